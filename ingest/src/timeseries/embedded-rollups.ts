import type Database from 'better-sqlite3';
import type { Aggregate } from './time-series-store';

/** Rollup bucket sizes, coarsest first: a window that is a multiple of one reads its buckets. */
export const ROLLUP_RESOLUTIONS_MS = [3_600_000, 60_000] as const;

// count/sum/min/max/last per (resolution, device, metric, bucket): enough to answer every
// aggregate exactly for windows made of whole buckets. Booleans are stored as 0/1 like raw rows.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rollups (
  resolution INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  last_ts INTEGER NOT NULL,
  last_value REAL NOT NULL,
  PRIMARY KEY (resolution, device_id, metric, bucket)
) WITHOUT ROWID;`;

const UPSERT = `
INSERT INTO rollups VALUES (@resolution, @deviceId, @metric, @bucket, 1, @value, @value, @value, @ts, @value)
ON CONFLICT DO UPDATE SET
  count = count + 1, sum = sum + excluded.sum, min = MIN(min, excluded.min), max = MAX(max, excluded.max),
  last_value = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_value ELSE last_value END,
  last_ts = MAX(last_ts, excluded.last_ts)`;

// Rolls up rows stored before the rollups table existed, one resolution at a time.
const BACKFILL = `
INSERT INTO rollups
SELECT @resolution, device_id, metric, b, n, s, mn, mx, lt, lv FROM (
  SELECT device_id, metric, ts - ts % @resolution AS b,
    COUNT(*) OVER win AS n, SUM(value) OVER win AS s, MIN(value) OVER win AS mn, MAX(value) OVER win AS mx,
    ts AS lt, value AS lv,
    ROW_NUMBER() OVER (PARTITION BY device_id, metric, ts - ts % @resolution ORDER BY ts DESC) AS rn
  FROM readings
  WINDOW win AS (PARTITION BY device_id, metric, ts - ts % @resolution)
) WHERE rn = 1`;

// One row per window: its aggregates (window functions over the window's rows) and the values of
// its newest row (row_number 1 by time).
const partialsSql = (source: 'raw' | 'rollup'): string => {
  const [table, time, n, s, mn, mx, lt, lv, extra] =
    source === 'raw'
      ? ['readings', 'ts', 'COUNT(*)', 'SUM(value)', 'MIN(value)', 'MAX(value)', 'ts', 'value', '']
      : [
          'rollups',
          'bucket',
          'SUM(count)',
          'SUM(sum)',
          'MIN(min)',
          'MAX(max)',
          'last_ts',
          'last_value',
          'resolution = @resolution AND ',
        ];
  return `
SELECT w, n, s, mn, mx, lt, lv FROM (
  SELECT ${time} - ${time} % @windowMs AS w,
    ${n} OVER win AS n, ${s} OVER win AS s, ${mn} OVER win AS mn, ${mx} OVER win AS mx,
    ${lt} AS lt, ${lv} AS lv,
    ROW_NUMBER() OVER (PARTITION BY ${time} - ${time} % @windowMs ORDER BY ${lt} DESC) AS rn
  FROM ${table}
  WHERE ${extra}device_id IN (SELECT value FROM json_each(@deviceIds)) AND metric = @metric
    AND ${time} >= @from AND ${time} < @until
  WINDOW win AS (PARTITION BY ${time} - ${time} % @windowMs)
) WHERE rn = 1`;
};

interface Partial {
  w: number;
  n: number;
  s: number;
  mn: number;
  mx: number;
  lt: number;
  lv: number;
}

export interface DevicesRange {
  deviceIds: string[];
  metric: string;
  from: number;
  to: number;
  windowMs: number;
  agg: Aggregate;
}

export interface EmbeddedRollups {
  /** Adds one newly stored raw value to its buckets (call only for rows actually inserted). */
  add(deviceId: string, metric: string, ts: number, value: number): void;
  /** Windows over raw rows (at the edges) and buckets (the whole ones in between); exact. */
  aggregate(query: DevicesRange): { ts: number; value: number }[];
  /** Deletes buckets of a resolution older than `before`. */
  prune(resolution: number, before: number): void;
}

/**
 * Minute and hour rollups kept in the embedded store, updated in the same transaction as the raw
 * rows, so a range of whole minutes or hours reads 60× or 3,600× fewer rows and gives the same
 * answer as the raw rows would. A store created before rollups existed is rolled up once at open.
 */
export function createEmbeddedRollups(db: Database.Database): EmbeddedRollups {
  const existed = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollups'").get();
  db.exec(SCHEMA);
  const upsert = db.prepare(UPSERT);
  const rawPartials = db.prepare<object, Partial>(partialsSql('raw'));
  const rollupPartials = db.prepare<object, Partial>(partialsSql('rollup'));
  const pruneStatement = db.prepare('DELETE FROM rollups WHERE resolution = ? AND bucket < ?');

  const add = (deviceId: string, metric: string, ts: number, value: number) => {
    for (const resolution of ROLLUP_RESOLUTIONS_MS) {
      upsert.run({ resolution, deviceId, metric, bucket: ts - (ts % resolution), value, ts });
    }
  };

  if (!existed) {
    const backfill = db.prepare(BACKFILL);
    db.transaction(() => {
      for (const resolution of ROLLUP_RESOLUTIONS_MS) backfill.run({ resolution });
    })();
  }

  return {
    add,
    aggregate(query) {
      const resolution = ROLLUP_RESOLUTIONS_MS.find((r) => query.windowMs % r === 0);
      const params = {
        deviceIds: JSON.stringify(query.deviceIds),
        metric: query.metric,
        windowMs: query.windowMs,
      };
      const until = query.to + 1;
      const partials: Partial[] = [];
      if (!resolution) {
        partials.push(...rawPartials.all({ ...params, from: query.from, until }));
      } else {
        // Whole buckets inside [from, to] come from rollups, the ragged edges from raw rows.
        const first = Math.ceil(query.from / resolution) * resolution;
        const end = Math.floor(until / resolution) * resolution;
        if (first >= end) partials.push(...rawPartials.all({ ...params, from: query.from, until }));
        else {
          partials.push(...rawPartials.all({ ...params, from: query.from, until: first }));
          partials.push(...rollupPartials.all({ ...params, resolution, from: first, until: end }));
          partials.push(...rawPartials.all({ ...params, from: end, until }));
        }
      }
      return finish(partials, query.agg);
    },
    prune(resolution, before) {
      pruneStatement.run(resolution, before);
    },
  };
}

/** Combines partials of the same window, then reads the asked aggregate off each. */
function finish(partials: Partial[], agg: Aggregate): { ts: number; value: number }[] {
  const windows = new Map<number, Partial>();
  for (const p of partials) {
    const seen = windows.get(p.w);
    if (!seen) windows.set(p.w, { ...p });
    else {
      seen.n += p.n;
      seen.s += p.s;
      seen.mn = Math.min(seen.mn, p.mn);
      seen.mx = Math.max(seen.mx, p.mx);
      if (p.lt > seen.lt) {
        seen.lt = p.lt;
        seen.lv = p.lv;
      }
    }
  }
  const pick: Record<Aggregate, (p: Partial) => number> = {
    mean: (p) => p.s / p.n,
    min: (p) => p.mn,
    max: (p) => p.mx,
    count: (p) => p.n,
    last: (p) => p.lv,
  };
  return [...windows.values()].sort((a, b) => a.w - b.w).map((p) => ({ ts: p.w, value: pick[agg](p) }));
}
