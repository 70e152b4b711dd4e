import {
  ESCALATION_LEVELS,
  nextClockCheckAt,
  type Bus,
  type CaseActor,
  type CaseEffect,
  type CaseRecord,
  type FusionGroup,
  type NoticeText,
  type Region,
  type SuppressionRule,
  type ReturnReason,
  type SlaClock,
} from '@gridsense/core';
import {
  insertCase,
  updateCase,
  type CaseWrite,
  type NewTimelineEntry,
  type StateDb,
} from '@gridsense/state';
import type { Directory } from './directory';
import type { Notice, Notifier } from './notices';
import { loadCasePolicy, timingFor, type CasePolicy } from './policy';

/** Everything the case modules share. */
export interface CaseContext {
  db: StateDb;
  bus: Bus;
  now: () => number;
  regions: () => Region[];
  directory: Directory;
  notifier: Notifier;
  returnLimit: number;
  fusionGroups: FusionGroup[];
  suppressionRules: SuppressionRule[];
}

export const SYSTEM: CaseActor & { name: string } = { id: 'system', role: 'system', name: '系统 GridSense' };

export function loadPolicy(ctx: CaseContext): Promise<CasePolicy> {
  return loadCasePolicy(ctx.db, ctx.returnLimit);
}

export function timelineEntry(
  actor: { id: string; name: string },
  action: string,
  from: CaseRecord | null,
  to: CaseRecord,
  note: string | null = null,
  data: Record<string, unknown> | null = null,
): NewTimelineEntry {
  return {
    at: to.updatedAt,
    actorId: actor.id,
    actorName: actor.name,
    action,
    fromState: from?.state ?? null,
    toState: to.state,
    note,
    data,
  };
}

export interface Commit {
  next: CaseRecord;
  /** The stored version this change was computed from; absent for a new case. */
  previous?: CaseRecord;
  write: Omit<CaseWrite, 'nextCheckAt'>;
  notices?: Notice[];
  /** The `case.changed` action pushed to consoles. */
  action: string;
}

/** Stores a change (with the ticker's next look at it), tells the consoles, then queues the notices. */
export async function commitCase(ctx: CaseContext, policy: CasePolicy, commit: Commit): Promise<void> {
  const { next, previous } = commit;
  const nextCheckAt =
    next.state === 'closed' ? null : nextClockCheckAt(next, timingFor(policy, next), ctx.now());
  let dueNow = false;
  const write: CaseWrite = {
    ...commit.write,
    nextCheckAt,
    // The notices commit with the case: none lost to a crash after it, none sent for a conflict.
    alongside: async (tx) => {
      // The change's own rows (a 协办 sub-task) first, then its notices, all in one transaction.
      await commit.write.alongside?.(tx);
      dueNow = await ctx.notifier.queue(tx, commit.notices ?? []);
    },
  };
  if (previous) await updateCase(ctx.db, next, previous, write);
  else await insertCase(ctx.db, next, write);
  // A ticker pass that only moved next_check_at changed nothing people see.
  if (write.entries.length > 0 || !previous)
    await ctx.bus.publish('case.changed', {
      caseId: next.id,
      gridId: next.gridId,
      action: commit.action,
      at: next.updatedAt,
    });
  if (dueNow) ctx.notifier.wake();
}

/** Who re-dispatches a returned case: the person who dispatched it, else the desk of its level. */
export async function dispatchDesk(
  ctx: CaseContext,
  policy: CasePolicy,
  before: CaseRecord,
  after: CaseRecord,
) {
  if (before.dispatcherId && before.dispatcherId !== SYSTEM.id) return [before.dispatcherId];
  const level = ESCALATION_LEVELS.indexOf(after.escalationLevel) < 1 ? 'community' : after.escalationLevel;
  return ctx.directory.levelPeople(after.gridId, level, ctx.now(), policy.calendar);
}

/** The notices a move's effects call for. */
export async function noticesForEffects(
  ctx: CaseContext,
  policy: CasePolicy,
  before: CaseRecord,
  after: CaseRecord,
  effects: readonly CaseEffect[],
  context: {
    actorName: string;
    returnReason?: ReturnReason;
    /** The clock whose breach the ticker escalates (the escalation notice names it). */
    overdueClock?: SlaClock;
  },
): Promise<Notice[]> {
  const notices: Notice[] = [];
  for (const effect of effects) {
    switch (effect.type) {
      case 'notify': {
        const text: NoticeText =
          effect.reason === 'co_assigned'
            ? { key: 'case.coAssigned', params: { title: after.title } }
            : effect.reason === 'assigned'
              ? { key: 'case.assigned', params: { title: after.title, acceptDueAt: after.acceptDueAt } }
              : effect.reason === 'rejected'
                ? { key: 'case.rejected', params: { title: after.title } }
                : { key: 'case.reopened', params: { why: after.title } };
        notices.push({
          // A failed verification comes back to its handler like a reopened case.
          kind: effect.reason === 'rejected' ? 'reopened' : effect.reason,
          record: after,
          to: [effect.userId],
          text,
        });
        break;
      }
      case 'await_dispatch': {
        const text: NoticeText = {
          key: 'case.returned',
          params: { reason: context.returnReason ?? 'other', by: context.actorName },
        };
        notices.push({
          kind: 'returned',
          record: after,
          to: await dispatchDesk(ctx, policy, before, after),
          text,
        });
        break;
      }
      case 'escalate': {
        const people = await ctx.directory.levelPeople(
          after.gridId,
          effect.level,
          ctx.now(),
          policy.calendar,
        );
        notices.push({
          kind: 'escalated',
          record: after,
          to: [...people, ...(after.assigneeId ? [after.assigneeId] : [])],
          text: escalationText(effect, after, context),
        });
        break;
      }
      case 'redispatch':
        break;
    }
  }
  return notices;
}

/** Why a case went up, as a key: a breached clock, too many 退单, or the words of who blew the whistle. */
function escalationText(
  effect: Extract<CaseEffect, { type: 'escalate' }>,
  after: CaseRecord,
  context: { returnReason?: ReturnReason; overdueClock?: SlaClock },
): NoticeText {
  if (context.overdueClock)
    return { key: 'case.escalatedOverdue', params: { level: effect.level, clock: context.overdueClock } };
  // A 退单 escalates only when it passes the return limit.
  if (context.returnReason)
    return { key: 'case.escalatedReturns', params: { level: effect.level, returns: after.returnCount } };
  return { key: 'case.escalated', params: { level: effect.level, reason: effect.reason } };
}
