import { isOverdue } from './case-overdue';
import { CLOSE_REASONS, type CaseRecord, type CloseReason } from './case-types';

export { breachedClocks, isOverdue, type OverdueCase } from './case-overdue';
export * from './case-unit-rates';

/**
 * Accountability figures (三率, MTTA/MTTR, counts, trends) over the cases opened in a period.
 * The definitions below are the contract; the analytics API returns them with the numbers.
 */
export const CASE_STATS_DEFINITIONS = {
  period: 'Cases opened at or after `from` and before `to` (epoch ms); other cases are not counted.',
  responseRate:
    '响应率 (response rate): cases accepted no later than their accept deadline ÷ cases that were accepted or whose accept deadline has passed unaccepted.',
  onTimeResolutionRate:
    '按时办结率 (on-time resolution rate): cases resolved no later than their resolve deadline ÷ cases that were resolved or whose resolve deadline has passed unresolved.',
  satisfactionRate:
    '满意率 (satisfaction rate): feedback with satisfaction 4 or 5 ÷ cases with feedback (1–5). Latest feedback per case.',
  mttaMs:
    'MTTA: mean of (accepted at − opened at) over accepted cases, in ms (includes time spent on returns).',
  mttrMs: 'MTTR: mean of (resolved at − opened at) over resolved cases, in ms (pauses included).',
  overdue:
    '超时未结 (overdue): unresolved, not voided cases with any running clock (accept, arrive or resolve) past its deadline at the time of the report; a paused case is judged when it paused.',
  breakdown:
    'By category, grid, lead handler (worker) and department: opened, resolved, resolved on time, overdue (any clock past its deadline, still unresolved) and past the resolve deadline (the 按时办结率 denominator) counts.',
  trend:
    'Per local day (UTC+8): cases opened, resolved and closed (handled and closed, not voided) on that day, within the period.',
  units:
    "Per grid, lead handler (worker), department, community and street: 响应率, 按时办结率, 满意率, MTTA and MTTR over that unit's cases with the definitions above; cases closed without handling leave the figures and are counted apart (`voided` for 作废/误报/重复件, `declined` for 不予立案, `returnedUpstream` for 非属地). A worker is the case's current lead.",
  voided:
    'Cases closed without handling (作废 void, 误报 false alarm, 重复件 duplicate, 不予立案 declined at registration, 非属地 returned upstream), per reason: they count as opened, never as resolved or closed (办结), and their deadlines leave the rates.',
} as const;

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator, or null when there is nothing to divide. */
  value: number | null;
}

export interface Breakdown {
  key: string;
  opened: number;
  resolved: number;
  resolvedOnTime: number;
  /** 超时未结: any clock (accept, arrive, resolve) past its deadline, still unresolved. */
  overdue: number;
  /** Still unresolved past the resolve deadline: with `resolved`, the 按时办结率 denominator. */
  pastResolveDue: number;
}

export interface CaseStats {
  from: number;
  to: number;
  opened: number;
  /** 超时未结 over the whole period. */
  overdue: number;
  responseRate: Rate;
  onTimeResolutionRate: Rate;
  satisfactionRate: Rate;
  mttaMs: number | null;
  mttrMs: number | null;
  byCategory: Breakdown[];
  byGrid: Breakdown[];
  byWorker: Breakdown[];
  byDepartment: Breakdown[];
  trend: { day: string; opened: number; resolved: number; closed: number }[];
  voided: Record<CloseReason, number>;
}

export type StatsCase = Pick<
  CaseRecord,
  | 'category'
  | 'gridId'
  | 'assigneeId'
  | 'departmentId'
  | 'openedAt'
  | 'acceptedAt'
  | 'acceptedOnTime'
  | 'acceptDueAt'
  | 'arriveDueAt'
  | 'pausedAt'
  | 'resolvedAt'
  | 'resolvedOnTime'
  | 'resolveDueAt'
  | 'closedAt'
  | 'satisfaction'
  | 'closeReason'
>;

/** Closed without handling (作废, 误报, 重复件, 不予立案, 非属地): nobody handled it (not 办结). */
const isVoided = (c: StatsCase) => c.closeReason !== null;

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

const isOpenOverdue = (c: StatsCase, now: number) => !isVoided(c) && isOverdue(c, now);

/** Unresolved past the resolve deadline (its clock stopped while paused). */
const isPastResolveDue = (c: StatsCase, now: number) =>
  !isVoided(c) && c.resolvedAt === null && c.resolveDueAt !== null && c.resolveDueAt < (c.pausedAt ?? now);

function breakdown(
  cases: readonly StatsCase[],
  keyOf: (c: StatsCase) => string | null,
  now: number,
): Breakdown[] {
  const rows = new Map<string, Breakdown>();
  for (const c of cases) {
    const key = keyOf(c);
    if (key === null) continue;
    const row = rows.get(key) ?? {
      key,
      opened: 0,
      resolved: 0,
      resolvedOnTime: 0,
      overdue: 0,
      pastResolveDue: 0,
    };
    row.opened++;
    if (c.resolvedAt !== null && !isVoided(c)) row.resolved++;
    if (c.resolvedOnTime === true && !isVoided(c)) row.resolvedOnTime++;
    if (isOpenOverdue(c, now)) row.overdue++;
    if (isPastResolveDue(c, now)) row.pastResolveDue++;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.opened - a.opened || a.key.localeCompare(b.key));
}

const localDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

export function computeCaseStats(
  all: readonly StatsCase[],
  period: { from: number; to: number; now: number },
): CaseStats {
  const { from, to, now } = period;
  const cases = all.filter((c) => c.openedAt >= from && c.openedAt < to);
  const accepted = cases.filter((c) => c.acceptedAt !== null);
  const missedAccept = cases.filter(
    (c) => !isVoided(c) && c.acceptedAt === null && c.acceptDueAt !== null && c.acceptDueAt < now,
  );
  const resolved = cases.filter((c) => c.resolvedAt !== null && !isVoided(c));
  const rated = cases.filter((c) => c.satisfaction !== null);
  const days = new Map<string, { day: string; opened: number; resolved: number; closed: number }>();
  const bump = (at: number | null, field: 'opened' | 'resolved' | 'closed') => {
    if (at === null || at < from || at >= to) return;
    const day = localDay(at);
    const row = days.get(day) ?? { day, opened: 0, resolved: 0, closed: 0 };
    row[field]++;
    days.set(day, row);
  };
  for (const c of cases) {
    bump(c.openedAt, 'opened');
    if (isVoided(c)) continue;
    bump(c.resolvedAt, 'resolved');
    bump(c.closedAt, 'closed');
  }
  const voided = Object.fromEntries(
    CLOSE_REASONS.map((reason) => [reason, cases.filter((c) => c.closeReason === reason).length]),
  ) as Record<CloseReason, number>;
  return {
    from,
    to,
    opened: cases.length,
    overdue: cases.filter((c) => isOpenOverdue(c, now)).length,
    responseRate: rate(
      accepted.filter((c) => c.acceptedOnTime === true).length,
      accepted.length + missedAccept.length,
    ),
    onTimeResolutionRate: rate(
      resolved.filter((c) => c.resolvedOnTime === true).length,
      resolved.length + cases.filter((c) => isPastResolveDue(c, now)).length,
    ),
    satisfactionRate: rate(rated.filter((c) => c.satisfaction! >= 4).length, rated.length),
    mttaMs: mean(accepted.map((c) => c.acceptedAt! - c.openedAt)),
    mttrMs: mean(resolved.map((c) => c.resolvedAt! - c.openedAt)),
    byCategory: breakdown(cases, (c) => c.category, now),
    byGrid: breakdown(cases, (c) => c.gridId, now),
    byWorker: breakdown(cases, (c) => c.assigneeId, now),
    byDepartment: breakdown(cases, (c) => c.departmentId, now),
    trend: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    voided,
  };
}
