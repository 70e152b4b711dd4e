import {
  ACTIVE_CASE_STATES,
  AppError,
  addSpan,
  findFusionTarget,
  findSuppressingParent,
  transition,
  type CaseActor,
  type CaseCommand,
  type CaseRecord,
} from '@gridsense/core';
import { findCase, listOpenCasesByCategory, type NewTimelineEntry } from '@gridsense/state';
import {
  describeSource,
  newCaseRecord,
  sourceOf,
  tightenForSeverity,
  type CaseDraft,
  type IntakeOutcome,
} from './case-draft';
import { noticeLine, type Notice } from './case-notices';
import { needsPhoto, newCaseId, slaFor, transitionPolicy, type CasePolicy } from './case-policy';
import { commitCase, noticesForEffects, SYSTEM, timelineEntry, type CaseContext } from './case-writer';

export type { CaseDraft, IntakeOutcome } from './case-draft';

/**
 * Opens a case from any channel, or joins the draft to the case it belongs to: under an open
 * parent (suppressed, silent) or into a related case of the same grid and window (fused).
 */
export async function openOrJoin(
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

  const target = findFusionTarget(risk, related, ctx.fusionGroups);
  if (target) {
    const next: CaseRecord = {
      ...tightenForSeverity(policy, target, draft.severity),
      occurrences: target.occurrences + 1,
      riskActive: target.riskActive || draft.source === 'auto',
      lastSignalAt: at,
      updatedAt: at,
    };
    const entry = timelineEntry(
      draft.reporter ?? SYSTEM,
      'linked',
      target,
      next,
      null,
      describeSource(draft),
    );
    const notices: Notice[] = next.assigneeId
      ? [{ kind: 'linked', record: next, to: [next.assigneeId], line: noticeLine.linked(draft.title) }]
      : [];
    await commitCase(ctx, policy, {
      next,
      previous: target,
      write: {
        entries: [entry],
        newSources: [sourceOf(draft, at, false)],
        ...(draft.requester ? { requester: draft.requester } : {}),
      },
      notices,
      action: 'linked',
    });
    return { caseId: target.id, outcome: 'fused' };
  }
  return { caseId: await openCase(ctx, policy, draft, at), outcome: 'opened' };
}

async function openCase(ctx: CaseContext, policy: CasePolicy, draft: CaseDraft, at: number): Promise<string> {
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
  const entries: NewTimelineEntry[] = [
    timelineEntry(draft.reporter ?? SYSTEM, 'report', null, reported, draft.description, draft.trigger),
  ];
  const notices: Notice[] = [{ kind: 'opened', record: reported, to: [], line: noticeLine.opened(reported) }];
  let current = reported;
  const step = async (
    command: CaseCommand,
    actor: CaseActor & { name: string },
    note: string | null,
    data: Record<string, unknown> | null,
  ) => {
    const result = transition(current, command, actor, at, transitionPolicy(policy, current));
    if (!result.ok) throw new AppError(result.code, result.message);
    entries.push(timelineEntry(actor, command.action, current, result.next, note, data));
    notices.push(
      ...(await noticesForEffects(ctx, policy, current, result.next, result.effects, {
        actorName: actor.name,
      })),
    );
    current = result.next;
  };
  await step({ action: 'register' }, SYSTEM, null, null);

  const suggestion = await ctx.directory.suggest(current, at, policy.calendar);
  const reporter = draft.reporter;
  const onDuty =
    draft.selfHandle && reporter
      ? await ctx.directory.levelPeople(draft.gridId, 'grid', at, policy.calendar)
      : [];
  if (draft.override && reporter) {
    const { assigneeId, note } = draft.override;
    const data = {
      assigneeId,
      override: assigneeId !== suggestion?.leadId,
      suggestedId: suggestion?.leadId ?? null,
    };
    await step({ action: 'dispatch', assigneeId }, reporter, note, data);
  } else if (reporter && onDuty.includes(reporter.id)) {
    // 自发自处: a worker on duty for the grid handles what they found themselves.
    await step({ action: 'dispatch', assigneeId: reporter.id }, SYSTEM, reporter.name, {
      assigneeId: reporter.id,
      selfHandle: true,
    });
  } else if (suggestion) {
    const command: CaseCommand = {
      action: 'dispatch',
      assigneeId: suggestion.leadId,
      coHandlerIds: suggestion.coHandlerIds,
      departmentId: suggestion.departmentId,
    };
    await step(command, SYSTEM, null, {
      assigneeId: suggestion.leadId,
      coHandlerIds: suggestion.coHandlerIds,
      ruleId: suggestion.ruleId,
    });
  }
  // Nobody to route to (no rule, nobody on duty): the community desk dispatches by hand.
  if (current.state === 'registered')
    notices[0] = {
      ...notices[0]!,
      to: await ctx.directory.levelPeople(current.gridId, 'community', at, policy.calendar),
    };
  const children = await adoptChildren(ctx, current);
  await commitCase(ctx, policy, {
    next: current,
    write: {
      entries,
      newSources: [sourceOf(draft, at, false)],
      ...(draft.requester ? { requester: draft.requester } : {}),
    },
    notices,
    action: 'opened',
  });
  for (const child of children) {
    const next = { ...child, parentId: current.id, updatedAt: at };
    await commitCase(ctx, policy, {
      next,
      previous: child,
      write: {
        entries: [timelineEntry(SYSTEM, 'linked_to_parent', child, next, null, { parentId: current.id })],
      },
      action: 'linked_to_parent',
    });
  }
  return current.id;
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
