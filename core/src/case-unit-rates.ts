import { isOverdue } from './case-overdue';
import type { Rate, StatsCase } from './case-stats';
import { VOID_REASONS } from './case-types';

/** The units accountability figures are given per. */
export type AccountableUnit = 'grid' | 'worker' | 'department' | 'community' | 'street';
export const ACCOUNTABLE_UNITS: readonly AccountableUnit[] = [
  'grid',
  'worker',
  'department',
  'community',
  'street',
];

/**
 * 三率, MTTA and MTTR of one unit; cases closed without handling are left out and counted apart:
 * voided (作废, 误报, 重复件), declined at registration (不予立案) and returned upstream (非属地).
 */
export interface UnitRates {
  key: string;
  /** Cases counted in the figures (opened in the period, not closed without handling). */
  handled: number;
  voided: number;
  declined: number;
  returnedUpstream: number;
  overdue: number;
  responseRate: Rate;
  onTimeResolutionRate: Rate;
  satisfactionRate: Rate;
  mttaMs: number | null;
  mttrMs: number | null;
}

type UnitCase = StatsCase & { id?: string };

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The figures for one set of cases, with the definitions of `CASE_STATS_DEFINITIONS`: 响应率 over
 * cases accepted or past their accept deadline unaccepted, 按时办结率 over cases resolved or past
 * their resolve deadline unresolved, 满意率 over rated cases; cases closed without handling leave
 * every figure.
 */
export function ratesOf(all: readonly UnitCase[], now: number): Omit<UnitRates, 'key'> {
  const cases = all.filter((c) => c.closeReason === null);
  const accepted = cases.filter((c) => c.acceptedAt !== null);
  const missedAccept = cases.filter(
    (c) => c.acceptedAt === null && c.acceptDueAt !== null && c.acceptDueAt < (c.pausedAt ?? now),
  );
  const resolved = cases.filter((c) => c.resolvedAt !== null);
  const pastResolveDue = cases.filter(
    (c) => c.resolvedAt === null && c.resolveDueAt !== null && c.resolveDueAt < (c.pausedAt ?? now),
  );
  const rated = cases.filter((c) => c.satisfaction !== null);
  return {
    handled: cases.length,
    voided: all.filter((c) => VOID_REASONS.some((reason) => reason === c.closeReason)).length,
    declined: all.filter((c) => c.closeReason === 'declined').length,
    returnedUpstream: all.filter((c) => c.closeReason === 'returned_upstream').length,
    overdue: cases.filter((c) => isOverdue(c, now)).length,
    responseRate: rate(
      accepted.filter((c) => c.acceptedOnTime === true).length,
      accepted.length + missedAccept.length,
    ),
    onTimeResolutionRate: rate(
      resolved.filter((c) => c.resolvedOnTime === true).length,
      resolved.length + pastResolveDue.length,
    ),
    satisfactionRate: rate(rated.filter((c) => c.satisfaction! >= 4).length, rated.length),
    mttaMs: mean(accepted.map((c) => c.acceptedAt! - c.openedAt)),
    mttrMs: mean(resolved.map((c) => c.resolvedAt! - c.openedAt)),
  };
}

/**
 * Per grid, lead worker, department, community and street: each unit's rates over the cases it
 * holds (a case counts in its grid's community and street too). `unitOf` names a case's unit of a
 * kind, or null when it has none (no department, no lead yet).
 */
export function computeUnitRates<C extends UnitCase>(
  cases: readonly C[],
  unitOf: (c: C, unit: AccountableUnit) => string | null,
  now: number,
): Record<AccountableUnit, UnitRates[]> {
  const result = {} as Record<AccountableUnit, UnitRates[]>;
  for (const unit of ACCOUNTABLE_UNITS) {
    const groups = new Map<string, C[]>();
    for (const c of cases) {
      const key = unitOf(c, unit);
      if (key === null) continue;
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
    result[unit] = [...groups.entries()]
      .map(([key, group]) => ({ key, ...ratesOf(group, now) }))
      .sort((a, b) => b.handled - a.handled || a.key.localeCompare(b.key));
  }
  return result;
}
