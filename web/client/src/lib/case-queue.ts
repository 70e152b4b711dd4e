import type { CaseView } from '@gridsense/core';
import { activeDeadline } from './countdown';

/**
 * Whether a case's running clock has run out, for the red rows of a list. Filtering, sorting and
 * paging the list are the server's (`GET /api/cases/search`, `lib/case-list-query.ts`).
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
