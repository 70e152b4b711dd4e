import type { AssessedCase, AssessmentFigures } from './assessment';
import { rankUnits, type AssessmentScheme, type ScoredUnit } from './assessment-scheme';
import { isWorkingDay, type WorkCalendar } from './case-calendar';
import { ACCOUNTABLE_UNITS, type AccountableUnit } from './case-unit-rates';
import type { ApiText } from './api-texts';
import type { Rate } from './case-stats';

/**
 * 日点评 / 周提示 / 月通报: what one report says about one region over one period. Pure: the cases,
 * warnings and scheme come in; the scheduler in the alerts process stores the result once per
 * (kind, period, region).
 */
export type ReportKind = 'day' | 'week' | 'month';
export const REPORT_KINDS: readonly ReportKind[] = ['day', 'week', 'month'];

export interface ReportPeriod {
  kind: ReportKind;
  /** `2026-03-09` (day), `2026-03-09` the Monday (week), `2026-03` (month): unique per kind. */
  key: string;
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;

function localMidnight(at: number, calendar: WorkCalendar): number {
  const offset = calendar.utcOffsetMinutes * 60_000;
  return Math.floor((at + offset) / DAY_MS) * DAY_MS - offset;
}

const localIso = (at: number, calendar: WorkCalendar) =>
  new Date(at + calendar.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);

/**
 * The latest whole period of a kind that ended at or before `at`, in the calendar's local time:
 * yesterday; the week (Monday to Sunday) before this one; last month.
 */
export function lastWholePeriod(kind: ReportKind, at: number, calendar: WorkCalendar): ReportPeriod {
  const today = localMidnight(at, calendar);
  const offset = calendar.utcOffsetMinutes * 60_000;
  if (kind === 'day')
    return { kind, key: localIso(today - DAY_MS, calendar), from: today - DAY_MS, to: today };
  if (kind === 'week') {
    const weekday = new Date(today + offset).getUTCDay() || 7;
    const monday = today - (weekday - 1) * DAY_MS;
    return { kind, key: localIso(monday - 7 * DAY_MS, calendar), from: monday - 7 * DAY_MS, to: monday };
  }
  const local = new Date(today + offset);
  const first = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - offset;
  const previous = new Date(first + offset - DAY_MS);
  const from = Date.UTC(previous.getUTCFullYear(), previous.getUTCMonth(), 1) - offset;
  return { kind, key: localIso(from, calendar).slice(0, 7), from, to: first };
}

/** Whether a period gets a report: a day only when it was a working day; weeks and months always. */
export function isReportedPeriod(period: ReportPeriod, calendar: WorkCalendar): boolean {
  return period.kind !== 'day' || isWorkingDay(period.from, calendar);
}

export interface ReportCase extends AssessedCase {
  title: string;
  supervisionReason: string | null;
}

export interface ReportWarning {
  id: number;
  kind: string;
  category: string;
  regionId: string;
  detectedAt: number;
}

export interface ReportContent {
  period: ReportPeriod;
  regionId: string;
  generatedAt: number;
  totals: {
    opened: number;
    resolved: number;
    overdue: number;
    supervised: number;
    /** Closed without handling, per reason: out of every figure. */
    excluded: Record<string, number>;
  };
  /** The region's own figures (its cases, whoever held them). */
  rates: {
    responseRate: Rate;
    onTimeResolutionRate: Rate;
    solvedRate: Rate;
    satisfactionRate: Rate;
    mttaMs: number | null;
    mttrMs: number | null;
  };
  /** Per level, scored and ranked under the scheme of the day. */
  units: Record<AccountableUnit, ScoredUnit[]>;
  /** Per level, the units with the most delay past their deadlines (most first), at most `slowestCount`. */
  slowest: Record<AccountableUnit, { key: string; delayMs: number; overdue: number }[]>;
  supervisedCases: {
    id: string;
    title: string;
    gridId: string;
    supervisedAt: number;
    reason: string | null;
  }[];
  warnings: ReportWarning[];
}

export interface ReportInput {
  period: ReportPeriod;
  regionId: string;
  /** The region's own figures (`assessPlace` over its cases). */
  regionFigures: AssessmentFigures;
  units: Record<AccountableUnit, readonly AssessmentFigures[]>;
  /** Cases opened in the period in the region (for the totals and 督办 list). */
  cases: readonly ReportCase[];
  warnings: readonly ReportWarning[];
  scheme: AssessmentScheme;
  generatedAt: number;
  slowestCount?: number;
}

/** The report for one region and period. */
export function buildReport(input: ReportInput): ReportContent {
  const { period, cases, regionFigures: r } = input;
  const slowestCount = input.slowestCount ?? 3;
  const slowest = {} as ReportContent['slowest'];
  for (const level of ACCOUNTABLE_UNITS)
    slowest[level] = input.units[level]
      .filter((u) => u.delayMs > 0)
      .sort((a, b) => b.delayMs - a.delayMs || a.key.localeCompare(b.key))
      .slice(0, slowestCount)
      .map((u) => ({ key: u.key, delayMs: u.delayMs, overdue: u.overdue }));
  const counted = cases.filter((c) => c.closeReason === null);
  return {
    period,
    regionId: input.regionId,
    generatedAt: input.generatedAt,
    totals: {
      opened: counted.length,
      resolved: counted.filter((c) => c.resolvedAt !== null && c.resolvedAt < period.to).length,
      overdue: r.overdue,
      supervised: r.supervised,
      excluded: r.excluded,
    },
    rates: {
      responseRate: r.responseRate,
      onTimeResolutionRate: r.onTimeResolutionRate,
      solvedRate: r.solvedRate,
      satisfactionRate: r.satisfactionRate,
      mttaMs: r.mttaMs,
      mttrMs: r.mttrMs,
    },
    units: rankUnits(input.units, input.scheme),
    slowest,
    supervisedCases: counted
      .filter((c) => c.supervisedAt !== null)
      .map((c) => ({
        id: c.id,
        title: c.title,
        gridId: c.gridId,
        supervisedAt: c.supervisedAt!,
        reason: c.supervisionReason,
      }))
      .sort((a, b) => a.supervisedAt - b.supervisedAt),
    warnings: input.warnings.filter((w) => w.detectedAt >= period.from && w.detectedAt < period.to),
  };
}

const percent = (r: Rate) => (r.value === null ? '' : (r.value * 100).toFixed(1));
const hours = (ms: number | null) => (ms === null ? '' : (ms / 3_600_000).toFixed(2));
const cell = (value: string | number) => {
  // Text that a spreadsheet would run as a formula gets a leading apostrophe (names are user input).
  const s = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The report's ranking tables as CSV (one row per unit and level), with names where known. */
export function reportCsv(report: ReportContent, names: Readonly<Record<string, string>>): string {
  const header = [
    'level',
    'rank',
    'unit',
    'name',
    'score',
    'counted',
    'response_rate_pct',
    'on_time_rate_pct',
    'solved_rate_pct',
    'satisfaction_rate_pct',
    'mtta_h',
    'mttr_h',
    'overdue',
    'delay_h',
    'returns',
    'supervised',
    'patrol_found',
  ];
  const rows = ACCOUNTABLE_UNITS.flatMap((level) =>
    report.units[level].map((u) => [
      level,
      u.rank,
      u.key,
      names[u.key] ?? u.key,
      u.score,
      u.counted,
      percent(u.responseRate),
      percent(u.onTimeResolutionRate),
      percent(u.solvedRate),
      percent(u.satisfactionRate),
      hours(u.mttaMs),
      hours(u.mttrMs),
      u.overdue,
      hours(u.delayMs),
      u.returns,
      u.supervised,
      u.patrolFound,
    ]),
  );
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** One archived report in a list (`GET /api/reports`). */
export interface ReportSummary {
  id: number;
  kind: ReportKind;
  periodKey: string;
  regionId: string;
  from: number;
  to: number;
  generatedAt: number;
}

/** One channel a report was sent to, and how that went (from the delivery log). */
export interface ReportChannelDelivery {
  channelId: string;
  /** The channel's name now; null when it was deleted since. */
  channelName: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  sentAt: number | null;
  /** The last failure, shown to those who may read the delivery log; null for others. */
  lastError: string | null;
  /** The same as a key with parameters (`delivery.*`), rendered in the reader's language. */
  lastErrorText: ApiText | null;
}

/** Where a report went: its region's channels, and the in-app notices to its readers. */
export interface ReportDeliveries {
  channels: ReportChannelDelivery[];
  inApp: { queued: number; sent: number };
}

/** One archived report (`GET /api/reports/:id`), with names for its units and where it went. */
export interface ReportView extends ReportSummary {
  content: ReportContent;
  names: Record<string, string>;
  deliveries: ReportDeliveries;
}
