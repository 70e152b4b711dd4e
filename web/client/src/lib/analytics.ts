import type { Breakdown, Rate } from '@gridsense/core';
import { DEFAULT_LIST_FILTERS, hashForFilters } from './case-list-query';
import { toCsv } from './csv';

export const DAY_MS = 86_400_000;
export type Period = 'day' | 'week' | 'month' | 'quarter' | 'year';
export const PERIODS: readonly Period[] = ['day', 'week', 'month', 'quarter', 'year'];
// A year is the API's longest period (366 days, so a leap year fits).
const PERIOD_DAYS: Record<Period, number> = { day: 1, week: 7, month: 30, quarter: 90, year: 365 };

/** The window a report covers: the last day, week or 30 days up to `now`. */
export function periodRange(period: Period, now: number): { from: number; to: number } {
  return { from: now - PERIOD_DAYS[period] * DAY_MS, to: now };
}

/** "87.5%" or "—" when nothing was there to count (never a misleading 0%). */
export function formatRate(rate: Rate): string {
  if (rate.value === null) return '—';
  return `${(Math.round(rate.value * 1000) / 10).toFixed(1)}%`;
}

/** 按时办结率 of one breakdown row, as a Rate (resolved on time ÷ resolved or past the resolve deadline). */
export function rowOnTimeRate(row: Breakdown): Rate {
  const denominator = row.resolved + row.pastResolveDue;
  return {
    numerator: row.resolvedOnTime,
    denominator,
    value: denominator === 0 ? null : row.resolvedOnTime / denominator,
  };
}

/** A row's heat from 0 (calm) to 1 (the busiest grid), by open overdue first, then volume. */
export function heatOf(row: Breakdown, rows: readonly Breakdown[]): number {
  const max = Math.max(0, ...rows.map((r) => r.opened + 2 * r.overdue));
  return max === 0 ? 0 : (row.opened + 2 * row.overdue) / max;
}

/** CSV of a breakdown, ids replaced by names where known. */
export function breakdownCsv(
  header: readonly string[],
  rows: readonly Breakdown[],
  names: Record<string, string>,
): string {
  return toCsv([
    header,
    ...rows.map((row) => [
      names[row.key] ?? row.key,
      row.opened,
      row.resolved,
      row.resolvedOnTime,
      row.overdue,
      formatRate(rowOnTimeRate(row)),
    ]),
  ]);
}

/** Days are local (UTC+8) in the API; a day's midnight there, in chart seconds. */
export function dayStartSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`) / 1000;
}

const UTC8_MS = 8 * 3_600_000;

/** The local (UTC+8) day an instant falls on, as the API names days. */
export function localDay(ts: number): string {
  return new Date(ts + UTC8_MS).toISOString().slice(0, 10);
}

/**
 * Opened / resolved / closed per day as uPlot columns (x in seconds), with every day of the
 * period present: the API lists only days with cases, and a lone point draws no line.
 */
export function trendColumns(
  trend: readonly { day: string; opened: number; resolved: number; closed: number }[],
  from: number,
  to: number,
): [number[], number[], number[], number[]] {
  const byDay = new Map(trend.map((point) => [point.day, point]));
  const days: string[] = [];
  for (let ts = from; localDay(ts) <= localDay(to); ts += DAY_MS) days.push(localDay(ts));
  const points = days.map((day) => byDay.get(day) ?? { day, opened: 0, resolved: 0, closed: 0 });
  return [
    points.map((point) => dayStartSeconds(point.day)),
    points.map((point) => point.opened),
    points.map((point) => point.resolved),
    points.map((point) => point.closed),
  ];
}

/** Which case list filter an analytics breakdown's key is (departments have none yet). */
export type BreakdownDimension = 'grid' | 'worker' | 'category' | 'department';

const FILTER_OF: Record<BreakdownDimension, 'gridId' | 'assignee' | 'category' | null> = {
  grid: 'gridId',
  worker: 'assignee',
  category: 'category',
  department: null,
};

/**
 * The case list filtered as a breakdown row counts: its grid, lead or category, opened within the
 * period (whole local days), every state; with `overdue`, only the open cases past a deadline.
 */
export function breakdownHref(
  dimension: BreakdownDimension,
  key: string,
  period: { from: number; to: number },
  overdue = false,
): string | null {
  const filter = FILTER_OF[dimension];
  if (filter === null) return null;
  return hashForFilters({
    ...DEFAULT_LIST_FILTERS,
    [filter]: key,
    state: overdue ? 'open' : 'all',
    overdueOnly: overdue,
    from: viewerDay(period.from),
    to: viewerDay(period.to),
  });
}

/** YYYY-MM-DD in the viewer's time zone, as the case list's day filters read it. */
function viewerDay(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
