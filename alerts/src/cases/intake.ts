import {
  ACTIVE_CASE_STATES,
  addSpan,
  clockSpan,
  findFusionTarget,
  findPossiblyRelated,
  findSuppressingParent,
  registersAutomatically,
  severityRank,
  type CaseCommand,
  type CaseRecord,
} from '@gridsense/core';
import {
  findCase,
  findFusionDevice,
  listCaseAlarmDevices,
  listOpenCasesByCategory,
  withGridLock,
  type FusionDeviceRecord,
} from '@gridsense/state';
import {
  describeSource,
  newCaseRecord,
  sourceOf,
  tightenForSeverity,
  type CaseDraft,
  type IntakeOutcome,
} from './draft';
import { planRuleSubtasks, withRuleSubtasks, type RuleSubtasks } from './cohandle-rule';
import type { Notice } from './notices';
import { needsPhoto, newCaseId, slaFor, type CasePolicy } from './policy';
import { applyMove, commitChange, type CaseChange } from './apply-move';
import { commitCase } from './commit-case';
import { SYSTEM, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

export type { CaseDraft, IntakeOutcome } from './draft';

/**
 * Opens a case from any channel, or joins the draft to the case it belongs to: under an open
 * parent (suppressed, silent) or, for a device's alarm, into the case of a nearby device of a
 * related type (fused; see `findFusionTarget`). A fused signal that raises the case's severity is
 * announced to the dispatch desk; a new case lists the open cases it may repeat, for a hand merge.
 */
export function openOrJoin(ctx: CaseContext, policy: CasePolicy, draft: CaseDraft): Promise<IntakeOutcome> {
  // Several alerts processes on PostgreSQL: one grid's intake at a time (`withGridLock`).
  return withGridLock(ctx.db, draft.gridId, () => openOrJoinLocked(ctx, policy, draft));
}

async function openOrJoinLocked(
  ctx: CaseContext,
  policy: CasePolicy,
  draft: CaseDraft,
): Promise<IntakeOutcome> {
  const at = ctx.now();
  const groups = ctx.fusionGroups.filter((g) => g.categories.includes(draft.category));
  const parents = ctx.suppressionRules.filter((r) => r.childCategories.includes(draft.category));
  const related = await listOpenCasesByCategory(ctx.db, [
    ...new Set([...groups.flatMap((g) => g.categories), ...parents.flatMap((r) => r.parentCategories)]),
  ]);
  const risk = { gridId: draft.gridId, category: draft.category, at };

  const parent = findSuppressingParent(risk, related, ctx.directory.ancestorAt, ctx.suppressionRules);
  if (parent) {
    const next = { ...parent, updatedAt: at };
    await commitCase(ctx, policy, {
      next,
      previous: parent,
      write: {
        entries: [timelineEntry(SYSTEM, 'suppressed_child', parent, next, null, describeSource(draft))],
        newSources: [sourceOf(draft, at, true)],
      },
      action: 'suppressed_child',
    });
    return { caseId: parent.id, outcome: 'suppressed' };
  }

  const device = draft.deviceId ? await findFusionDevice(ctx.db, draft.deviceId) : undefined;
  const alarmDevices = await listCaseAlarmDevices(
    ctx.db,
    related.map((c) => c.id),
  );
  const hit = findFusionTarget(
    { ...risk, source: draft.source, device: device ?? null },
    related.map((c) => ({ ...c, devices: alarmDevices.get(c.id) ?? [] })),
    ctx.fusionGroups,
  );
  const target = hit && related.find((c) => c.id === hit.id);
  if (target) return joinCase(ctx, policy, draft, target, device, at);
  const caseId = await openCase(ctx, policy, draft, at, device);
  const maybe = findPossiblyRelated(risk, related, ctx.fusionGroups).filter((c) => c.parentId === null);
  if (maybe.length > 0) await notePossiblyRelated(ctx, policy, caseId, maybe);
  return { caseId, outcome: 'opened' };
}

/** A fused signal joins its case; a raised severity is announced to the desk and the handler. */
async function joinCase(
  ctx: CaseContext,
  policy: CasePolicy,
  draft: CaseDraft,
  target: CaseRecord,
  device: FusionDeviceRecord | undefined,
  at: number,
): Promise<IntakeOutcome> {
  const next: CaseRecord = {
    ...tightenForSeverity(policy, target, draft.severity),
    occurrences: target.occurrences + 1,
    riskActive: target.riskActive || draft.source === 'auto',
    lastSignalAt: at,
    updatedAt: at,
  };
  const raised = severityRank(next.severity) > severityRank(target.severity);
  const data = {
    ...describeSource(draft, device),
    ...(raised ? { severityRaised: { from: target.severity, to: next.severity } } : {}),
  };
  const entry = timelineEntry(draft.reporter ?? SYSTEM, 'linked', target, next, null, data);
  const what = { title: draft.title, source: device?.name ?? null };
  // A raised severity is one notice (to the handler too), never a quiet 'linked'.
  const notices: Notice[] =
    next.assigneeId && !raised
      ? [{ kind: 'linked', record: next, to: [next.assigneeId], text: { key: 'case.linked', params: what } }]
      : [];
  if (raised) notices.push(await severityRaisedNotice(ctx, policy, target, next, what));
  await commitCase(ctx, policy, {
    next,
    previous: target,
    write: {
      entries: [entry],
      newSources: [sourceOf(draft, at, false)],
      ...(draft.requester ? { requester: draft.requester } : {}),
    },
    notices,
    action: raised ? 'severity_raised' : 'linked',
  });
  return { caseId: target.id, outcome: 'fused' };
}

/**
 * The notice for a case whose severity a joined signal (or a merge) raised: to the community desk,
 * the command centre's operators, whoever dispatched it and its handler.
 */
export async function severityRaisedNotice(
  ctx: CaseContext,
  policy: CasePolicy,
  before: CaseRecord,
  next: CaseRecord,
  what: { title: string; source: string | null },
): Promise<Notice> {
  const at = ctx.now();
  const desk = [
    ...(await ctx.directory.levelPeople(next.gridId, 'community', at, policy.calendar)),
    ...(await ctx.directory.levelPeople(next.gridId, 'district', at, policy.calendar)),
  ];
  const dispatcher = next.dispatcherId && next.dispatcherId !== SYSTEM.id ? [next.dispatcherId] : [];
  return {
    kind: 'severity_raised',
    record: next,
    to: [...desk, ...dispatcher, ...(next.assigneeId ? [next.assigneeId] : [])],
    text: { key: 'case.severityRaised', params: { from: before.severity, to: next.severity, ...what } },
  };
}

/**
 * A new case that joined none by rule but shares grid, kind and window with open ones: each side's
 * timeline names the other, so the desk sees them together and may merge them by hand.
 */
async function notePossiblyRelated(
  ctx: CaseContext,
  policy: CasePolicy,
  caseId: string,
  maybe: readonly CaseRecord[],
): Promise<void> {
  const opened = await findCase(ctx.db, caseId);
  if (!opened) return;
  const brief = (c: CaseRecord) => ({ id: c.id, title: c.title, source: c.source });
  const note = async (record: CaseRecord, cases: ReturnType<typeof brief>[]) =>
    commitCase(ctx, policy, {
      next: record,
      previous: record,
      write: { entries: [timelineEntry(SYSTEM, 'possibly_related', record, record, null, { cases })] },
      action: 'possibly_related',
    });
  await note(opened, maybe.map(brief));
  for (const other of maybe) await note(other, [brief(opened)]);
}

/** Opens a new case from a draft as its channel does (also the new case of a split, never fused). */
export async function openCase(
  ctx: CaseContext,
  policy: CasePolicy,
  draft: CaseDraft,
  at: number,
  device: FusionDeviceRecord | undefined,
): Promise<string> {
  const sla = slaFor(policy, draft);
  let id = newCaseId(at);
  // Intake is serial, so checking first is enough to never reuse an id.
  while (await findCase(ctx.db, id)) id = newCaseId(at);
  const reported = newCaseRecord(
    draft,
    id,
    at,
    needsPhoto(policy, draft.category),
    addSpan(at, sla.resolve, policy.calendar),
  );
  const change: CaseChange = {
    current: reported,
    at,
    entries: [
      timelineEntry(
        draft.reporter ?? SYSTEM,
        'report',
        null,
        reported,
        draft.description,
        device ? { ...draft.trigger, deviceName: device.name, deviceType: device.type } : draft.trigger,
      ),
    ],
    notices: [
      {
        kind: 'opened',
        record: reported,
        to: [],
        text: { key: 'case.opened', params: { title: reported.title } },
      },
    ],
  };
  const { notices } = change;
  const reporter = draft.reporter;
  const onDuty =
    draft.selfHandle && reporter
      ? await ctx.directory.levelPeople(draft.gridId, 'grid', at, policy.calendar)
      : [];
  // 自发自处: a worker on duty for the grid handles what they found, so nobody needs to dispatch it.
  const selfHandled = reporter !== null && onDuty.includes(reporter.id);
  // 立案 is the desk's decision for this category: the report waits in the 待立案 queue, on its clock
  // (an operator who dispatches it while entering it, the desk opening it from an early warning, or
  // a worker on duty handling their own find has made that decision).
  const decided = draft.override !== undefined || draft.openedByDesk === true || selfHandled;
  // What the new case's write carries besides its moves: its source and any caller.
  const opening = {
    newSources: [sourceOf(draft, at, false)],
    ...(draft.requester ? { requester: draft.requester } : {}),
  };
  if (!registersAutomatically(policy.categories, draft.category, draft.source) && !decided) {
    const waiting = {
      ...change.current,
      registerDueAt: addSpan(at, clockSpan(sla, 'register', reported.severity), policy.calendar),
    };
    change.current = waiting;
    const desk = await ctx.directory.levelPeople(waiting.gridId, 'community', at, policy.calendar);
    notices[0] = {
      kind: 'opened',
      record: waiting,
      to: desk,
      text: {
        key: 'case.awaitingRegistration',
        params: { title: waiting.title, registerDueAt: waiting.registerDueAt },
      },
    };
    await commitChange(ctx, policy, change, 'opened', opening);
    return waiting.id;
  }
  await applyMove(ctx, policy, change, { action: 'register' }, SYSTEM);

  const suggestion = await ctx.directory.suggest(change.current, at, policy.calendar);
  let ruleSubtasks: RuleSubtasks | undefined;
  if (draft.override && reporter) {
    const { assigneeId, note } = draft.override;
    const data = {
      assigneeId,
      override: assigneeId !== suggestion?.leadId,
      suggestedId: suggestion?.leadId ?? null,
    };
    await applyMove(ctx, policy, change, { action: 'dispatch', assigneeId }, reporter, { note, data });
  } else if (reporter && selfHandled) {
    // 自发自处: a worker on duty for the grid handles what they found themselves.
    await applyMove(ctx, policy, change, { action: 'dispatch', assigneeId: reporter.id }, SYSTEM, {
      note: reporter.name,
      data: { assigneeId: reporter.id, selfHandle: true },
    });
  } else if (suggestion) {
    const command: CaseCommand = {
      action: 'dispatch',
      assigneeId: suggestion.leadId,
      coHandlerIds: suggestion.coHandlerIds,
      departmentId: suggestion.departmentId,
    };
    await applyMove(ctx, policy, change, command, SYSTEM, {
      data: {
        assigneeId: suggestion.leadId,
        coHandlerIds: suggestion.coHandlerIds,
        ruleId: suggestion.ruleId,
      },
    });
    // The rule's co-handlers owe their reports from the start (协办 sub-tasks).
    ruleSubtasks = await planRuleSubtasks(ctx, policy, change.current, suggestion, at);
    withRuleSubtasks(change, ruleSubtasks);
  }
  // A worker's own find that comes back to them is theirs already: taken (签收) at once, no alarm.
  if (reporter && change.current.state === 'dispatched' && change.current.assigneeId === reporter.id) {
    const alarm = notices.findIndex((n) => n.kind === 'assigned' && n.to.includes(reporter.id));
    if (alarm >= 0) notices.splice(alarm, 1);
    await applyMove(ctx, policy, change, { action: 'accept' }, reporter, { data: { selfReported: true } });
  }
  const opened = change.current;
  // Nobody to route to (no rule, nobody on duty): the community desk dispatches by hand.
  if (opened.state === 'registered')
    notices[0] = {
      ...notices[0]!,
      to: await ctx.directory.levelPeople(opened.gridId, 'community', at, policy.calendar),
    };
  const children = await adoptChildren(ctx, opened);
  await commitChange(ctx, policy, change, 'opened', {
    ...opening,
    ...(ruleSubtasks ? { alongside: ruleSubtasks.insert } : {}),
  });
  for (const child of children) {
    const next = { ...child, parentId: opened.id, updatedAt: at };
    await commitCase(ctx, policy, {
      next,
      previous: child,
      write: {
        entries: [timelineEntry(SYSTEM, 'linked_to_parent', child, next, null, { parentId: opened.id })],
      },
      action: 'linked_to_parent',
    });
  }
  return opened.id;
}

/** A new parent case (a community power cut) takes in the child cases already open beneath it. */
async function adoptChildren(ctx: CaseContext, parent: CaseRecord): Promise<CaseRecord[]> {
  const rules = ctx.suppressionRules.filter((r) => r.parentCategories.includes(parent.category));
  if (rules.length === 0) return [];
  const open = await listOpenCasesByCategory(ctx.db, [...new Set(rules.flatMap((r) => r.childCategories))]);
  return open.filter(
    (c) =>
      c.parentId === null &&
      c.id !== parent.id &&
      ACTIVE_CASE_STATES.includes(c.state) &&
      rules.some(
        (r) =>
          r.childCategories.includes(c.category) &&
          ctx.directory.ancestorAt(c.gridId, r.scope) !== undefined &&
          ctx.directory.ancestorAt(c.gridId, r.scope) === ctx.directory.ancestorAt(parent.gridId, r.scope),
      ),
  );
}
