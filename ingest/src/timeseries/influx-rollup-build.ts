import { TELEMETRY, type LinePoint } from './influx-line-protocol';
import { escape } from 'influx';
import { numberOf, timeClause, type FieldCatalog, type InfluxQuery, type RawResult } from './influx-query';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Rollup measurements by bucket size: one point per device and bucket, six fields per metric. */
export const ROLLUP_MEASUREMENTS = { [MINUTE_MS]: 'telemetry_1m', [HOUR_MS]: 'telemetry_1h' } as const;
export type RollupResolution = keyof typeof ROLLUP_MEASUREMENTS;

export type RollupPart = 'count' | 'sum' | 'min' | 'max' | 'last' | 'last_ts';
// Metric names are [a-z][a-z0-9_]*, and of these suffixes only last_ts holds an underscore whose
// tail (ts) is not itself a suffix, so no two (metric, part) pairs give the same field.
export const rollupField = (metric: string, part: RollupPart): string => escape.quoted(`${metric}_${part}`);

export const floorTo = (ts: number, size: number): number => Math.floor(ts / size) * size;

/**
 * Computes the minute rollups of `minutes` from raw rows and writes them: count, sum, min, max
 * and the newest value with its time, per device and metric (booleans as 1/0, like raw ranges).
 * Rewriting a minute overwrites its points (same series, same time), so a redo is harmless.
 */
export async function rollUpMinutes(
  io: RollupIo,
  minutes: readonly number[],
  metrics: readonly string[],
): Promise<void> {
  const statements: string[] = [];
  const parts: ((results: RawResult[], points: PointBook) => void)[] = [];
  for (const minute of minutes) {
    const where = `WHERE ${timeClause(minute, minute + MINUTE_MS)}`;
    for (const metric of metrics) {
      const f = escape.quoted(metric);
      const at = statements.length;
      const last = `SELECT LAST(${f}) FROM ${TELEMETRY} ${where} GROUP BY "device_id"`;
      if (io.fields.isBoolean(metric)) {
        statements.push(
          `SELECT COUNT(${f}) FROM ${TELEMETRY} ${where} GROUP BY "device_id"`,
          `SELECT COUNT(${f}) FROM ${TELEMETRY} ${where} AND ${f} = true GROUP BY "device_id"`,
          last,
        );
        parts.push((results, points) => {
          const trues = firstRows(results[at + 1]);
          for (const [device, [, count]] of firstRows(results[at])) {
            const n = numberOf(count) ?? 0;
            const t = numberOf(trues.get(device)?.[1]) ?? 0;
            points.set(minute, device, metric, {
              count: n,
              sum: t,
              min: t === n ? 1 : 0,
              max: t > 0 ? 1 : 0,
            });
          }
          addLast(points, minute, metric, results[at + 2]);
        });
      } else {
        statements.push(
          `SELECT COUNT(${f}), SUM(${f}), MIN(${f}), MAX(${f}) FROM ${TELEMETRY} ${where} GROUP BY "device_id"`,
          last,
        );
        parts.push((results, points) => {
          for (const [device, [, count, sum, min, max]] of firstRows(results[at])) {
            points.set(minute, device, metric, {
              count: numberOf(count) ?? 0,
              sum: numberOf(sum) ?? 0,
              min: numberOf(min) ?? 0,
              max: numberOf(max) ?? 0,
            });
          }
          addLast(points, minute, metric, results[at + 1]);
        });
      }
    }
  }
  await runAndWrite(io, statements, parts, MINUTE_MS);
}

/** Computes the hour rollups of `hours` from their minute rollups and writes them. */
export async function rollUpHours(
  io: RollupIo,
  hours: readonly number[],
  metrics: readonly string[],
): Promise<void> {
  const statements: string[] = [];
  const parts: ((results: RawResult[], points: PointBook) => void)[] = [];
  for (const hour of hours) {
    for (const metric of metrics) {
      const at = statements.length;
      const [c, s, mn, mx, l, lt] = (['count', 'sum', 'min', 'max', 'last', 'last_ts'] as const).map((p) =>
        rollupField(metric, p),
      );
      // LAST by time picks the newest minute, whose newest value is the hour's newest.
      statements.push(
        `SELECT SUM(${c}), SUM(${s}), MIN(${mn}), MAX(${mx}), LAST(${l}), LAST(${lt}) FROM ${ROLLUP_MEASUREMENTS[MINUTE_MS]}` +
          ` WHERE ${timeClause(hour, hour + HOUR_MS)} GROUP BY "device_id"`,
      );
      parts.push((results, points) => {
        for (const [device, [, count, sum, min, max, last, lastTs]] of firstRows(results[at])) {
          points.set(hour, device, metric, {
            count: numberOf(count) ?? 0,
            sum: numberOf(sum) ?? 0,
            min: numberOf(min) ?? 0,
            max: numberOf(max) ?? 0,
            last: numberOf(last) ?? 0,
            last_ts: numberOf(lastTs) ?? hour,
          });
        }
      });
    }
  }
  await runAndWrite(io, statements, parts, HOUR_MS);
}

export interface RollupIo {
  query: InfluxQuery;
  writePoints(points: LinePoint[]): Promise<void>;
  fields: FieldCatalog;
}

// Statements per request: a chunk of minutes × metrics × 2–3 stays well below any request limit.
const STATEMENTS_PER_QUERY = 500;
const POINTS_PER_WRITE = 5_000;

async function runAndWrite(
  io: RollupIo,
  statements: string[],
  parts: ((results: RawResult[], points: PointBook) => void)[],
  resolution: RollupResolution,
): Promise<void> {
  const results: RawResult[] = [];
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_QUERY) {
    results.push(...(await io.query(statements.slice(i, i + STATEMENTS_PER_QUERY))));
  }
  const points = new PointBook(ROLLUP_MEASUREMENTS[resolution]);
  for (const part of parts) part(results, points);
  // Oldest first: a write cut short leaves a prefix, which the next pass redoes from its end.
  const sorted = points.all().sort((a, b) => a.timestamp - b.timestamp);
  for (let i = 0; i < sorted.length; i += POINTS_PER_WRITE) {
    await io.writePoints(sorted.slice(i, i + POINTS_PER_WRITE));
  }
}

/** The newest raw value per device in one minute; without GROUP BY time, LAST reports its own time. */
function addLast(points: PointBook, minute: number, metric: string, result: RawResult | undefined): void {
  for (const [device, [ts, value]] of firstRows(result)) {
    points.set(minute, device, metric, { last: numberOf(value) ?? 0, last_ts: numberOf(ts) ?? minute });
  }
}

/** The first row of each device's series: [time, ...values]. */
function firstRows(result: RawResult | undefined): Map<string, unknown[]> {
  const rows = new Map<string, unknown[]>();
  for (const series of result?.series ?? []) {
    const device = series.tags?.device_id;
    const row = series.values[0];
    if (device && row) rows.set(device, row);
  }
  return rows;
}

/** Rollup points being assembled, one per (bucket, device). */
class PointBook {
  private readonly points = new Map<string, LinePoint & { fields: Record<string, number> }>();
  constructor(private readonly measurement: string) {}

  set(bucket: number, device: string, metric: string, values: Partial<Record<RollupPart, number>>): void {
    const key = `${bucket}\t${device}`;
    let point = this.points.get(key);
    if (!point) {
      point = { measurement: this.measurement, tags: { device_id: device }, fields: {}, timestamp: bucket };
      this.points.set(key, point);
    }
    for (const [part, value] of Object.entries(values)) point.fields[`${metric}_${part}`] = value;
  }

  all(): LinePoint[] {
    return [...this.points.values()];
  }
}
