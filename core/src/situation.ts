import { isOverdue, type OverdueCase } from './case-overdue';
import { computeCaseStats, type Rate, type StatsCase } from './case-stats';
import type { CaseRecord } from './case-types';
import { deviceReport, DEVICE_REPORT_STATES, type DeviceReportState } from './device-report';
import type { Device } from './model';
import { PLACE_LEVELS, type PlaceLevel } from './place-risk';

/**
 * 态势: the leaders' dashboard in one view — per street, what is open now, overdue on any clock,
 * under 督办 and opened today; the three rates this month against last month; open early
 * warnings; device health. Pure: the service brings the cases, devices and clock.
 */

const LOCAL_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Midnight (UTC+8) of the local day `at` falls in, as epoch ms. */
export function localDayStart(at: number): number {
  return Math.floor((at + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
}

/** The first instant (UTC+8) of the local month `monthsBack` months before the one `at` falls in. */
export function localMonthStart(at: number, monthsBack = 0): number {
  const local = new Date(at + LOCAL_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - monthsBack, 1) - LOCAL_OFFSET_MS;
}

export type SituationCase = OverdueCase &
  StatsCase &
  Pick<CaseRecord, 'gridId' | 'state' | 'supervisedAt' | 'closeReason'>;

export type SituationDevice = Pick<Device, 'gridId' | 'type' | 'online' | 'lastSeenAt'>;

/** A 重点场所 with its level as assessed now. */
export interface SituationPlace {
  gridId: string;
  level: PlaceLevel;
}

/** One street (or the whole scope, as the total). */
export interface SituationRow {
  id: string;
  name: string;
  /** Not closed (办结 and 核查 still count: the loop is not closed yet). */
  open: number;
  /** Open with any clock (accept, arrive, resolve) past its deadline (core/src/case-overdue.ts). */
  overdue: number;
  /** Open and under 督办. */
  supervised: number;
  openedToday: number;
  devices: Record<DeviceReportState, number>;
  /** 重点场所 by their risk level now. */
  places: Record<PlaceLevel, number>;
}

export interface PeriodRates {
  from: number;
  to: number;
  opened: number;
  responseRate: Rate;
  onTimeResolutionRate: Rate;
  satisfactionRate: Rate;
  mttrMs: number | null;
}

export interface SituationWarning {
  id: number;
  kind: string;
  regionId: string;
  category: string;
  detectedAt: number;
  observed: number;
}

export interface SituationView {
  at: number;
  regionId: string;
  regionName: string;
  todayFrom: number;
  rows: SituationRow[];
  total: SituationRow;
  thisMonth: PeriodRates;
  lastMonth: PeriodRates;
  /** Open early warnings in scope: how many, and the newest few. */
  warnings: { open: number; latest: SituationWarning[] };
  /** Names from ids (regions, categories) for the page. */
  names: Record<string, string>;
}

export interface SituationStreet {
  id: string;
  name: string;
  gridIds: readonly string[];
}

const emptyDevices = (): Record<DeviceReportState, number> =>
  Object.fromEntries(DEVICE_REPORT_STATES.map((s) => [s, 0])) as Record<DeviceReportState, number>;

const isOpen = (c: SituationCase) => c.state !== 'closed';

/**
 * Per street and in total: open, overdue, supervised, opened today, devices by report state,
 * places by risk level.
 * `cases`: every open case and every case opened today (open or not).
 */
export function situationRows(
  streets: readonly SituationStreet[],
  cases: readonly SituationCase[],
  devices: readonly SituationDevice[],
  now: number,
  places: readonly SituationPlace[] = [],
): { rows: SituationRow[]; total: SituationRow } {
  const todayFrom = localDayStart(now);
  const row = (id: string, name: string, grids: ReadonlySet<string> | null): SituationRow => {
    const inside = <T extends { gridId: string }>(items: readonly T[]) =>
      grids === null ? items : items.filter((item) => grids.has(item.gridId));
    const mine = inside(cases);
    const open = mine.filter(isOpen);
    const byState = emptyDevices();
    for (const d of inside(devices)) byState[deviceReport(d, now).state]++;
    const byLevel = Object.fromEntries(PLACE_LEVELS.map((l) => [l, 0])) as Record<PlaceLevel, number>;
    for (const p of inside(places)) byLevel[p.level]++;
    return {
      id,
      name,
      open: open.length,
      overdue: open.filter((c) => c.closeReason === null && isOverdue(c, now)).length,
      supervised: open.filter((c) => c.supervisedAt !== null).length,
      openedToday: mine.filter((c) => c.openedAt >= todayFrom && c.openedAt <= now).length,
      devices: byState,
      places: byLevel,
    };
  };
  const rows = streets.map((s) => row(s.id, s.name, new Set(s.gridIds)));
  const all = new Set(streets.flatMap((s) => s.gridIds));
  return { rows, total: row('', '', all) };
}

/** The rates over the cases opened in [from, to), as of `now` (the analytics page's definitions). */
export function periodRates(
  cases: readonly StatsCase[],
  period: { from: number; to: number; now: number },
): PeriodRates {
  const stats = computeCaseStats(cases, period);
  return {
    from: period.from,
    to: period.to,
    opened: stats.opened,
    responseRate: stats.responseRate,
    onTimeResolutionRate: stats.onTimeResolutionRate,
    satisfactionRate: stats.satisfactionRate,
    mttrMs: stats.mttrMs,
  };
}
