import { nextClockCheckAt, type CaseRecord } from '@gridsense/core';
import { insertCase, updateCase, type CaseWrite } from '@gridsense/state';
import type { CaseContext } from './context';
import type { Notice } from './notices';
import { timingFor, type CasePolicy } from './policy';

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
