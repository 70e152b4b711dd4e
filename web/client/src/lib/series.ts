import type { SeriesPoint } from '@gridsense/core';

/** Chart maths: which window to ask the server for, and how live readings join a fetched series. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type RangeKey = '1h' | '24h' | '7d' | '30d' | '90d' | '1y';
export const RANGE_KEYS: readonly RangeKey[] = ['1h', '24h', '7d', '30d', '90d', '1y'];
// Up to a year: whole-hour and whole-day windows read the stores' hour rollups.
export const RANGE_MS: Record<RangeKey, number> = {
  '1h': HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
  '1y': 365 * DAY,
};

/** More points than this are more than a chart is wide; fewer windows also keep queries cheap. */
export const MAX_POINTS = 500;
/** The narrowest drag-zoom: below a minute the windows would be single readings anyway. */
export const MIN_SPAN_MS = MINUTE;

/** Round windows, so tooltips read "10:35" and not "10:34:47". */
const WINDOW_STEPS_MS = [
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7].map((n) => n * DAY),
];

/** The smallest round window that keeps a span within `maxPoints` windows (≥ 1 s, the API's floor). */
export function pickWindowMs(spanMs: number, maxPoints = MAX_POINTS): number {
  const needed = Math.max(spanMs, 0) / maxPoints;
  return WINDOW_STEPS_MS.find((step) => step >= needed) ?? Math.ceil(needed / DAY) * DAY;
}

/** What a chart shows: a preset that follows the clock, or a fixed stretch (zoom, case trigger). */
export interface ViewRange {
  from: number;
  to: number;
  /** The preset it came from; null once zoomed or fixed. */
  key: RangeKey | null;
  /** Live readings are added while they fall inside (or just past) the range. */
  follow: boolean;
}

export function presetRange(key: RangeKey, now: number): ViewRange {
  return { from: now - RANGE_MS[key], to: now, key, follow: true };
}

/** A dragged selection, widened around its middle to at least MIN_SPAN_MS. */
export function zoomRange(from: number, to: number, now: number): ViewRange {
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  const middle = (low + high) / 2;
  const span = Math.max(high - low, MIN_SPAN_MS);
  const start = Math.round(middle - span / 2);
  const end = Math.round(middle + span / 2);
  return { from: start, to: end, key: null, follow: end >= now };
}

/** A preset moved along to `now`, same span; fixed ranges stay where they are. */
export function slideRange(range: ViewRange, now: number): ViewRange {
  if (range.key === null) return range;
  return { ...range, from: now - RANGE_MS[range.key], to: now };
}

/** uPlot's columns: x in seconds, then one y column per series, over the union of their windows. */
export type AlignedColumns = [number[], ...(number | null)[][]];

export function alignSeries(series: readonly (readonly SeriesPoint[])[]): AlignedColumns {
  const times = [...new Set(series.flatMap((points) => points.map((point) => point.ts)))].sort(
    (a, b) => a - b,
  );
  const index = new Map(times.map((ts, i) => [ts, i]));
  const columns = series.map((points) => {
    const column: (number | null)[] = times.map(() => null);
    for (const point of points) column[index.get(point.ts)!] = point.value;
    return column;
  });
  return [times.map((ts) => ts / 1000), ...columns];
}

/**
 * A fetched series plus the readings pushed since. `tailCount` is how many values the last window
 * holds: a window fetched from the server counts as one (its true count is not sent), so a live
 * mean weighs the server's partial window like one reading. The next fetch corrects it.
 */
export interface LiveSeries {
  points: SeriesPoint[];
  tailCount: number;
}

export type ChartAggregate = 'mean' | 'max';

export function startLiveSeries(points: readonly SeriesPoint[]): LiveSeries {
  return { points: [...points].sort((a, b) => a.ts - b.ts), tailCount: 1 };
}

/** Folds one pushed reading into its window; readings older than the last window are left to the next fetch. */
export function foldReading(
  series: LiveSeries,
  ts: number,
  raw: number | boolean,
  windowMs: number,
  agg: ChartAggregate,
): LiveSeries {
  const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  const windowTs = Math.floor(ts / windowMs) * windowMs;
  const last = series.points.at(-1);
  if (!last || windowTs > last.ts) {
    return { points: [...series.points, { ts: windowTs, value }], tailCount: 1 };
  }
  if (windowTs < last.ts) return series;
  const combined =
    last.value === null
      ? value
      : agg === 'max'
        ? Math.max(last.value, value)
        : (last.value * series.tailCount + value) / (series.tailCount + 1);
  return {
    points: [...series.points.slice(0, -1), { ts: windowTs, value: combined }],
    tailCount: series.tailCount + 1,
  };
}

/** Drops windows that have slid out of view. */
export function trimBefore(series: LiveSeries, from: number): LiveSeries {
  const first = series.points.findIndex((point) => point.ts >= from);
  if (first <= 0) return first === -1 ? { points: [], tailCount: 1 } : series;
  return { ...series, points: series.points.slice(first) };
}

/** Smallest, largest and newest value of a series, for the text under a chart. */
export function summarize(
  points: readonly SeriesPoint[],
): { min: number; max: number; latest: number; count: number } | null {
  const values = points.filter((point): point is { ts: number; value: number } => point.value !== null);
  if (values.length === 0) return null;
  const numbers = values.map((point) => point.value);
  return {
    min: Math.min(...numbers),
    max: Math.max(...numbers),
    latest: values.reduce((a, b) => (b.ts > a.ts ? b : a)).value,
    count: values.length,
  };
}

/** Axis tick text: clock time within two days, date and time within two weeks, else the date. */
export function tickFormat(locale: string, spanMs: number, timeZone?: string): Intl.DateTimeFormat {
  const base: Intl.DateTimeFormatOptions = { hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) };
  if (spanMs <= 2 * DAY)
    return new Intl.DateTimeFormat(locale, { ...base, hour: '2-digit', minute: '2-digit' });
  if (spanMs <= 14 * DAY)
    return new Intl.DateTimeFormat(locale, {
      ...base,
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  return new Intl.DateTimeFormat(locale, { ...base, month: 'numeric', day: 'numeric' });
}

/** One line on a chart: a device's metric. Booleans are drawn as steps between 0 and 1. */
export interface ChartLine {
  label: string;
  stepped: boolean;
}

/** A vertical mark on a chart, e.g. the reading that opened a case. */
export interface ChartMarker {
  ts: number;
  label: string;
}

/** Distinct, colour-blind-aware line colours (Okabe–Ito first, darkened for a white background). */
export const LINE_COLOURS = [
  '#2367b0',
  '#c26a00',
  '#1b7f4c',
  '#a4418a',
  '#0f7c8c',
  '#6b5a2a',
  '#5a6b7d',
  '#b03030',
];
