import { CLOCK_DUE } from './case-clock';
import { SLA_CLOCKS, type SlaClock } from './case-sla';
import type { CaseRecord } from './case-types';

/**
 * 超时 (overdue): an unfinished case any of whose running clocks — register (立案), dispatch
 * (派遣), accept (签收), arrive (到场), resolve (办结) — is past its deadline. A clock stops when its
 * step is done (the transition clears its deadline), and all of them stop while the case is
 * paused, so a paused case is judged at the moment it paused.
 */
export type OverdueCase = Pick<
  CaseRecord,
  'acceptDueAt' | 'arriveDueAt' | 'resolveDueAt' | 'pausedAt' | 'resolvedAt' | 'closedAt'
> &
  // Views that predate the register and dispatch clocks leave them out (not running).
  Partial<Pick<CaseRecord, 'registerDueAt' | 'dispatchDueAt'>>;

/** The clocks of a case that ran out before `now` while the case was still unfinished. */
export function breachedClocks(record: OverdueCase, now: number): SlaClock[] {
  if (record.resolvedAt !== null || record.closedAt !== null) return [];
  const at = record.pausedAt ?? now;
  return SLA_CLOCKS.filter((clock) => {
    const dueAt = record[CLOCK_DUE[clock]] ?? null;
    return dueAt !== null && dueAt < at;
  });
}

export function isOverdue(record: OverdueCase, now: number): boolean {
  return breachedClocks(record, now).length > 0;
}
