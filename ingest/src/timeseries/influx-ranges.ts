import { TELEMETRY } from './influx-line-protocol';
import { escape } from 'influx';
import {
  HOUR_MS,
  MINUTE_MS,
  ROLLUP_MEASUREMENTS,
  floorTo,
  rollupField,
  type RollupResolution,
} from './influx-rollup-build';
import type { RollupCoverage } from './influx-rollups';
import {
  devicesClause,
  numberOf,
  timeClause,
  type FieldCatalog,
  type InfluxQuery,
  type RawResult,
} from './influx-query';
import { assertValidRange, type Aggregate } from './time-series-store';

export interface WindowsQuery {
  deviceIds: readonly string[];
  metric: string;
  from: number;
  to: number;
  windowMs: number;
  agg: Aggregate;
}

export interface Segment {
  source: 'raw' | RollupResolution;
  from: number;
  /** Exclusive. */
  until: number;
}

/**
 * Splits [from, until) into what to read where: whole hours from hour rollups (when windows are
 * whole hours), whole minutes from minute rollups (when windows are whole minutes), raw rows for
 * the rest: the ragged edges, minutes not rolled up yet, and minutes gone stale.
 */
export function planSegments(
  from: number,
  until: number,
  windowMs: number,
  coverage: RollupCoverage,
): Segment[] {
  const segments: Segment[] = [];
  const push = (source: Segment['source'], start: number, end: number) => {
    const previous = segments.at(-1);
    if (previous?.source === source && previous.until === start) previous.until = end;
    else segments.push({ source, from: start, until: end });
  };
  if (windowMs % MINUTE_MS !== 0) {
    push('raw', from, until);
    return segments;
  }
  const hours = windowMs % HOUR_MS === 0;
  const limit = Math.min(until, coverage.through);
  const staleHours = new Set([...coverage.stale].map((m) => floorTo(m, HOUR_MS)));
  for (let t = from; t < until;) {
    if (t >= limit) {
      push('raw', t, until);
      break;
    }
    if (hours && t % HOUR_MS === 0 && t + HOUR_MS <= limit && !staleHours.has(t)) {
      push(HOUR_MS, t, (t += HOUR_MS));
    } else if (t % MINUTE_MS === 0 && t + MINUTE_MS <= limit && !coverage.stale.has(t)) {
      push(MINUTE_MS, t, (t += MINUTE_MS));
    } else {
      const next = Math.min(until, floorTo(t, MINUTE_MS) + MINUTE_MS);
      push('raw', t, next);
      t = next;
    }
  }
  return segments;
}

/** What one segment contributes to a window: a count and sum (count, mean) or a value (the rest). */
interface Partial {
  n: number;
  s: number;
  v: number;
}

/**
 * Windows of one metric over a set of devices, from rollups where they cover the range and raw
 * rows elsewhere, combined so the answer equals the one from raw rows alone.
 */
export async function readWindows(
  deps: { query: InfluxQuery; fields: FieldCatalog; coverage(): Promise<RollupCoverage> },
  q: WindowsQuery,
): Promise<{ ts: number; value: number }[]> {
  assertValidRange(q);
  if (q.deviceIds.length === 0) return [];
  if (!deps.fields.has(q.metric)) await deps.fields.load();
  const isBoolean = deps.fields.isBoolean(q.metric);
  const segments = planSegments(q.from, q.to + 1, q.windowMs, await deps.coverage());
  const statements: string[] = [];
  const readers = segments.map((segment) => {
    const at = statements.length;
    const texts = segmentStatements(segment, q, isBoolean);
    statements.push(...texts);
    return (results: RawResult[]) =>
      readSegment(results.slice(at, at + texts.length), q.agg, segment, isBoolean);
  });
  const results = await deps.query(statements);
  const windows = new Map<number, Partial>();
  // Segments are in time order, so a later one's `last` is the newer.
  for (const read of readers) {
    for (const [ts, p] of read(results)) {
      const seen = windows.get(ts);
      if (!seen) windows.set(ts, p);
      else {
        seen.n += p.n;
        seen.s += p.s;
        seen.v = q.agg === 'min' ? Math.min(seen.v, p.v) : q.agg === 'max' ? Math.max(seen.v, p.v) : p.v;
      }
    }
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, p]) => ({ ts, value: q.agg === 'mean' ? p.s / p.n : q.agg === 'count' ? p.n : p.v }));
}

const RAW_SELECTORS: Record<Exclude<Aggregate, 'mean' | 'count'>, string> = {
  min: 'MIN',
  max: 'MAX',
  last: 'LAST',
};

function segmentStatements(segment: Segment, q: WindowsQuery, isBoolean: boolean): string[] {
  const where = `WHERE ${devicesClause(q.deviceIds)} AND ${timeClause(segment.from, segment.until)}`;
  const groupBy = `GROUP BY time(${q.windowMs}ms) fill(none)`;
  if (segment.source === 'raw') {
    const f = escape.quoted(q.metric);
    const select = (fields: string, extra = '') =>
      `SELECT ${fields} FROM ${TELEMETRY} ${where}${extra} ${groupBy}`;
    if (q.agg === 'count') return [select(`COUNT(${f})`)];
    // InfluxQL has no SUM over booleans: their sum is the count of true values.
    if (q.agg === 'mean')
      return isBoolean
        ? [select(`COUNT(${f})`, ` AND ${f} = true`), select(`COUNT(${f})`)]
        : [select(`SUM(${f}), COUNT(${f})`)];
    return [select(`${RAW_SELECTORS[q.agg]}(${f})`)];
  }
  const measurement = ROLLUP_MEASUREMENTS[segment.source];
  const field = (part: Parameters<typeof rollupField>[1]) => rollupField(q.metric, part);
  const select = (fields: string) => `SELECT ${fields} FROM ${measurement} ${where} ${groupBy}`;
  switch (q.agg) {
    case 'count':
      return [select(`SUM(${field('count')})`)];
    case 'mean':
      return [select(`SUM(${field('sum')}), SUM(${field('count')})`)];
    case 'min':
      return [select(`MIN(${field('min')})`)];
    case 'max':
      return [select(`MAX(${field('max')})`)];
    case 'last':
      // A selector with another field returns that field from the selected point: the newest
      // reading's value among every device's buckets in the window.
      return [select(`MAX(${field('last_ts')}), ${field('last')}`)];
  }
}

function readSegment(
  results: RawResult[],
  agg: Aggregate,
  segment: Segment,
  isBoolean: boolean,
): Map<number, Partial> {
  const windows = new Map<number, Partial>();
  const rows = (result: RawResult | undefined) =>
    (result?.series ?? []).flatMap((series) => series.values).filter((row) => typeof row[0] === 'number');
  if (agg === 'mean' && segment.source === 'raw' && isBoolean) {
    const trues = new Map(rows(results[0]).map((row) => [row[0] as number, numberOf(row[1]) ?? 0]));
    for (const row of rows(results[1])) {
      const ts = row[0] as number;
      windows.set(ts, { n: numberOf(row[1]) ?? 0, s: trues.get(ts) ?? 0, v: 0 });
    }
    return windows;
  }
  for (const row of rows(results[0])) {
    const ts = row[0] as number;
    const first = numberOf(row[1]);
    if (agg === 'mean') {
      const n = numberOf(row[2]);
      if (first !== undefined && n) windows.set(ts, { n, s: first, v: 0 });
    } else if (agg === 'count') {
      if (first) windows.set(ts, { n: first, s: 0, v: 0 });
    } else {
      const v = agg === 'last' && segment.source !== 'raw' ? numberOf(row[2]) : first;
      if (v !== undefined) windows.set(ts, { n: 0, s: 0, v });
    }
  }
  return windows;
}
