import type { CaseView } from '@gridsense/core';
import { activeDeadline } from './countdown';

/**
 * What a list row shows of a case's urgency: a run-out clock, a return waiting to be dispatched
 * again. Filtering, sorting and paging the list are the server's (`GET /api/cases/search`, which
 * also keeps returned cases on top; `lib/case-list-query.ts`).
 */

/** What a list row needs of a case to tell. */
export type QueueCase = Pick<CaseView, 'id' | 'state' | 'acceptDueAt' | 'resolveDueAt'>;

/** Whether the clock that matters now (accept, then resolve) has run out. */
export function isOverdue(
  record: Pick<CaseView, 'state' | 'acceptDueAt' | 'resolveDueAt'>,
  now: number,
): boolean {
  const deadline = activeDeadline(record);
  return deadline !== null && deadline.dueAt < now;
}

/** A returned case (退单) waits on the command centre: it is pinned on top of the queue. */
export function isPinned(record: Pick<CaseView, 'state'>): boolean {
  return record.state === 'returned';
}
