import {
  apiText,
  AppError,
  authorize,
  can,
  regionLineage,
  resolveRefusal,
  resourceIn,
  type Action,
  type CaseCommand,
  type CaseRecord,
  type User,
} from '@gridsense/core';
import {
  findUserById,
  listCaseSubtasks,
  listChildCases,
  listUserDepartments,
  type NewTimelineEntry,
} from '@gridsense/state';
import { planRuleSubtasks, withRuleSubtasks, type RuleSubtasks } from './cohandle-rule';
import type { CasePolicy } from './policy';
import { requireVisible } from './scope';
import { applyMove, commitChange, tryMove, type CaseChange } from './apply-move';
import { commitCase } from './commit-case';
import { loadPolicy, SYSTEM, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

/** What a move records besides its note: photos, the reason code, the dispatch and any override. */
function entryData(command: CaseCommand): Record<string, unknown> {
  switch (command.action) {
    case 'resolve':
      return command.photos?.length ? { photos: command.photos } : {};
    case 'arrive':
      return {
        ...(command.photos?.length ? { photos: command.photos } : {}),
        ...(command.position ? { position: command.position } : {}),
      };
    case 'return':
      return { reason: command.reason };
    case 'dispatch':
      return {
        assigneeId: command.assigneeId,
        coHandlerIds: command.coHandlerIds ?? [],
        departmentId: command.departmentId ?? null,
      };
    case 'feedback':
      return { satisfaction: command.satisfaction, solved: command.solved };
    case 'escalate':
      return { level: command.level ?? null };
    case 'pause':
      return { reason: command.reason };
    case 'void':
    case 'decline':
      return {
        reason: command.reason,
        ...(command.duplicateOfId ? { duplicateOfId: command.duplicateOfId } : {}),
      };
    case 'return_upstream':
      return { reason: command.reason };
    case 'request_extension':
      return { days: command.days };
    case 'accept':
    case 'close':
    case 'approve_extension':
    case 'refuse_extension':
    case 'supervise':
    case 'unsupervise':
    case 'register':
    case 'reject':
    case 'reopen':
    case 'resume':
    case 'verify':
      return {};
  }
}

function noteOf(command: CaseCommand): string | null {
  if (command.action === 'feedback') return command.comment ?? null;
  // Why a case was paused or sent up is what its timeline must show.
  if (
    command.action === 'escalate' ||
    command.action === 'pause' ||
    command.action === 'request_extension' ||
    command.action === 'refuse_extension' ||
    command.action === 'supervise'
  )
    return command.reason;
  return 'note' in command ? (command.note ?? null) : null;
}

/**
 * Whether a person may be given a case in the grid by this dispatcher: they take cases, and
 * their region lies on the grid's line up to the district (its workers, desks and departments)
 * or inside the dispatcher's own region (a neighbouring grid's worker lending a hand).
 */
export function withinReach(
  ctx: CaseContext,
  dispatcher: User,
  person: Pick<User, 'role' | 'regionId'>,
  gridId: string,
): boolean {
  if (!can(person, 'case.take')) return false;
  const regions = ctx.regions();
  const line = regionLineage(regions, gridId).map((r) => r.id);
  return (
    line.includes(person.regionId) || can(dispatcher, 'case.dispatch', resourceIn(regions, person.regionId))
  );
}

/**
 * A person's dispatch: the assignee and co-handlers must be people who handle cases within the
 * case's reach, the lead's department comes from their membership, and a choice other than the
 * rule list's is an override.
 */
async function prepareDispatch(
  ctx: CaseContext,
  user: User,
  policy: CasePolicy,
  record: CaseRecord,
  command: Extract<CaseCommand, { action: 'dispatch' }>,
): Promise<{ command: CaseCommand; data: Record<string, unknown> }> {
  const ids = [command.assigneeId, ...(command.coHandlerIds ?? [])];
  const names = new Map<string, string>();
  for (const id of ids) {
    const person = await findUserById(ctx.db, id);
    if (!person || !can(person, 'case.take'))
      throw new AppError('validation_failed', apiText('case.notAssignable', { id }));
    if (!withinReach(ctx, user, person, record.gridId))
      throw new AppError('validation_failed', apiText('case.outsideCaseRegion', { id }));
    names.set(id, person.displayName);
  }
  const departmentId = (await listUserDepartments(ctx.db, command.assigneeId))[0] ?? null;
  const suggestion = await suggestFor(ctx, policy, record);
  const override = suggestion?.leadId !== command.assigneeId;
  // Choosing someone other than the rule list's pick is an accountable decision: say why.
  if (suggestion && override && !command.note?.trim())
    throw new AppError(
      'validation_failed',
      apiText('case.overrideNeedsNote', { id: command.assigneeId, suggested: suggestion.leadId }),
    );
  // Names as they were at the time, so the timeline reads without another lookup.
  const suggested = suggestion && (await findUserById(ctx.db, suggestion.leadId));
  return {
    command: { ...command, departmentId },
    data: {
      ...entryData({ ...command, departmentId }),
      assigneeName: names.get(command.assigneeId),
      override,
      suggestedId: suggestion?.leadId ?? null,
      suggestedName: suggested ? suggested.displayName : null,
      ruleId: suggestion?.ruleId ?? null,
    },
  };
}

/** The rule list's pick for a case; a returned case is not suggested back to who returned it. */
export function suggestFor(ctx: CaseContext, policy: CasePolicy, record: CaseRecord) {
  const exclude = record.state === 'returned' && record.returnedById ? [record.returnedById] : [];
  return ctx.directory.suggest(record, ctx.now(), policy.calendar, exclude);
}

/**
 * A duplicate (重复件) names a case the person can see, other than itself and not itself a
 * duplicate; that case's timeline records the link.
 */
async function linkDuplicate(
  ctx: CaseContext,
  user: User,
  record: CaseRecord,
  duplicateOfId: string,
): Promise<{ original: CaseRecord; entry: NewTimelineEntry }> {
  const original = await requireVisible(ctx, user, duplicateOfId);
  // Closed as a 重复件 or declined as one: the chain points on, so name the case it repeats.
  if (original.duplicateOfId !== null)
    throw new AppError(
      'validation_failed',
      apiText('case.duplicateOfDuplicate', { id: original.id, original: original.duplicateOfId }),
    );
  const at = ctx.now();
  return {
    original,
    entry: timelineEntry(
      { id: user.id, name: user.displayName },
      'duplicate_linked',
      original,
      { ...original, updatedAt: at },
      null,
      { caseId: record.id, title: record.title },
    ),
  };
}

/** A person moves a case: scope, then the one transition function, then its effects. */
/** Moves that need their permission over the case's own region, not just sight of the case. */
const REGION_MOVES: Partial<Record<CaseCommand['action'], Action>> = {
  approve_extension: 'case.extend.decide',
  refuse_extension: 'case.extend.decide',
  supervise: 'case.supervise',
  unsupervise: 'case.supervise',
  decline: 'case.decline',
  return_upstream: 'case.return_upstream',
};

export async function actOnCase(
  ctx: CaseContext,
  user: User,
  caseId: string,
  input: CaseCommand,
): Promise<CaseRecord> {
  const current = await requireVisible(ctx, user, caseId);
  // Deciding someone's 延期, 督办, 不予立案 and 非属地 act over the case's region: seeing the case (as
  // a co-handler from elsewhere can) is not enough.
  const overRegion = REGION_MOVES[input.action];
  if (overRegion) authorize(user, overRegion, resourceIn(ctx.regions(), current.gridId));
  const policy = await loadPolicy(ctx);
  const actor = { id: user.id, role: user.role, name: user.displayName };
  let command = input;
  let data = entryData(input);
  if (input.action === 'dispatch')
    ({ command, data } = await prepareDispatch(ctx, user, policy, current, input));

  const now = ctx.now();
  const change: CaseChange = { previous: current, current, at: now, entries: [], notices: [] };
  const moved = await applyMove(ctx, policy, change, command, actor, {
    note: noteOf(command),
    data: (next) => {
      // An approved 延期 shows on the timeline what it granted and where the deadline went.
      const shown =
        command.action === 'approve_extension' && current.extensionRequest
          ? {
              days: current.extensionRequest.days,
              fromDueAt: current.resolveDueAt,
              toDueAt: next.resolveDueAt,
            }
          : data;
      return Object.keys(shown).length ? shown : null;
    },
    noticeContext: command.action === 'return' ? { returnReason: command.reason } : {},
  });
  // 协办: the lead resolves only once the co-handlers' required reports are in.
  if (command.action === 'resolve') {
    const refusal = resolveRefusal(await listCaseSubtasks(ctx.db, current.id));
    if (refusal) throw new AppError('invalid_transition', refusal);
  }
  const duplicate =
    (command.action === 'void' || command.action === 'decline') && moved.next.duplicateOfId
      ? await linkDuplicate(ctx, user, current, moved.next.duplicateOfId)
      : undefined;
  // Reopened: the platform put it under 督办 in the same move; its timeline says so.
  if (
    current.supervisedAt === null &&
    moved.next.supervisedAt !== null &&
    moved.next.supervisedById === SYSTEM.id
  )
    change.entries.push(
      timelineEntry(SYSTEM, 'supervise', current, moved.next, null, {
        automatic: moved.next.supervisionReason,
      }),
    );
  if (command.action === 'resolve' && moved.next.dispatcherId && moved.next.dispatcherId !== SYSTEM.id)
    change.notices.push({
      kind: 'resolved',
      record: moved.next,
      to: [moved.next.dispatcherId],
      text: { key: 'case.resolved', params: { by: user.displayName } },
    });

  let ruleSubtasks: RuleSubtasks | undefined;
  if (moved.effects.some((e) => e.type === 'redispatch')) {
    // Reopened: through the rule list again, to whoever is on duty now.
    const suggestion = await ctx.directory.suggest(moved.next, now, policy.calendar);
    if (suggestion) {
      const dispatch: CaseCommand = {
        action: 'dispatch',
        assigneeId: suggestion.leadId,
        coHandlerIds: suggestion.coHandlerIds,
        departmentId: suggestion.departmentId,
      };
      const redispatched = await tryMove(ctx, policy, change, dispatch, SYSTEM, {
        data: { ...entryData(dispatch), ruleId: suggestion.ruleId },
      });
      if (redispatched.ok) {
        // The rule's co-handlers owe their reports again (协办 sub-tasks; an open one is kept).
        ruleSubtasks = await planRuleSubtasks(ctx, policy, redispatched.next, suggestion, now);
        withRuleSubtasks(change, ruleSubtasks);
      }
    }
  }
  await commitChange(
    ctx,
    policy,
    change,
    command.action,
    ruleSubtasks ? { alongside: ruleSubtasks.insert } : {},
  );
  if (duplicate) {
    const { original, entry } = duplicate;
    await commitCase(ctx, policy, {
      next: { ...original, updatedAt: entry.at },
      previous: original,
      write: { entries: [entry] },
      action: 'duplicate_linked',
    });
  }
  const next = change.current;
  if (next.state === 'resolved' || next.state === 'closed') await releaseChildren(ctx, policy, next);
  return next;
}

/** A parent that is resolved lets its children go: their own clocks and notices resume. */
async function releaseChildren(ctx: CaseContext, policy: CasePolicy, parent: CaseRecord): Promise<void> {
  for (const child of await listChildCases(ctx.db, parent.id)) {
    const next = { ...child, parentId: null, updatedAt: ctx.now() };
    await commitCase(ctx, policy, {
      next,
      previous: child,
      write: {
        entries: [timelineEntry(SYSTEM, 'released_from_parent', child, next, null, { parentId: parent.id })],
      },
      action: 'released_from_parent',
    });
  }
}
