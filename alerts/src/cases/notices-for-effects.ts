import type { CaseEffect, CaseRecord, NoticeText, ReturnReason, SlaClock } from '@gridsense/core';
import type { CaseContext } from './context';
import { dispatchDesk } from './dispatch-desk';
import type { Notice } from './notices';
import type { CasePolicy } from './policy';

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
