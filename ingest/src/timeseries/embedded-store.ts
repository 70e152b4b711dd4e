import Database from 'better-sqlite3';
import type { DeviceEvent, Reading } from '@gridsense/core';
import { ROLLUP_RESOLUTIONS_MS, createEmbeddedRollups } from './embedded-rollups';
import {
  assertValidRange,
  type Aggregate,
  type LatestValues,
  type RawPoint,
  type TimeSeriesStore,
} from './time-series-store';

// One row per (device, metric, ts): the primary key serves both `latest` and `range`, and it is
// the dedup key too, as in InfluxDB: ingest gives a redelivery the ts of its first copy (the intent
// journal), so a repeated (device, metric, ts) is a repeat. A seq is not a key: after a device
// reboots (`{"state":"online","boot":n}`) its seqs start again and are new readings.
// WITHOUT ROWID keeps rows in key order, so a device's metric is one contiguous run.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  device_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  ts INTEGER NOT NULL,
  seq INTEGER,
  value REAL NOT NULL,
  is_bool INTEGER NOT NULL,
  PRIMARY KEY (device_id, metric, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  device_id TEXT NOT NULL,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  seq INTEGER,
  grid_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  confidence REAL,
  snapshot TEXT,
  lat REAL,
  lng REAL,
  attributes TEXT,
  PRIMARY KEY (device_id, ts, type)
) WITHOUT ROWID;
-- Stores written before boot counts had (device, seq) unique indexes, which dropped a rebooted
-- device's reused seqs.
DROP INDEX IF EXISTS readings_device_seq;
DROP INDEX IF EXISTS events_device_seq;
`;

// ON CONFLICT DO NOTHING (not INSERT OR IGNORE): only duplicates are skipped; a NOT NULL
// violation still fails the batch instead of silently losing a reading.
const INSERT_READING = `INSERT INTO readings (device_id, metric, ts, seq, value, is_bool)
  VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

const INSERT_EVENT = `INSERT INTO events
  (device_id, type, ts, seq, grid_id, device_type, confidence, snapshot, lat, lng, attributes)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

// Walks the distinct metrics of a device through the primary key (a skip-scan written out), then
// takes each metric's MAX(ts) from the same index: O(metrics · log n), not a scan of the history.
const SELECT_LATEST = `
WITH RECURSIVE metrics(name) AS (
  SELECT MIN(metric) FROM readings WHERE device_id = @deviceId
  UNION ALL
  SELECT (SELECT MIN(metric) FROM readings WHERE device_id = @deviceId AND metric > name)
  FROM metrics WHERE name IS NOT NULL
)
SELECT r.metric, r.ts, r.value, r.is_bool AS isBool
FROM metrics JOIN readings r ON r.device_id = @deviceId AND r.metric = metrics.name
WHERE r.ts = (SELECT MAX(ts) FROM readings WHERE device_id = @deviceId AND metric = metrics.name)`;

// `last` relies on SQLite's bare-column rule: with one MAX() in the select, `value` comes from that row.
const AGGREGATE_SQL: Record<Aggregate, string> = {
  mean: 'AVG(value) AS value',
  min: 'MIN(value) AS value',
  max: 'MAX(value) AS value',
  count: 'COUNT(*) AS value',
  last: 'value, MAX(ts) AS lastTs',
};

const selectRangeSql = (agg: Aggregate): string => `
SELECT ts - ts % @windowMs AS windowTs, ${AGGREGATE_SQL[agg]}
FROM readings
WHERE device_id = @deviceId AND metric = @metric AND ts BETWEEN @from AND @to
GROUP BY windowTs ORDER BY windowTs`;

const COUNT_READINGS = `
SELECT
  (SELECT COUNT(DISTINCT seq) FROM readings WHERE device_id = @deviceId AND ts BETWEEN @from AND @to)
  + (SELECT COUNT(DISTINCT ts) FROM readings
     WHERE device_id = @deviceId AND ts BETWEEN @from AND @to AND seq IS NULL) AS n`;

// For copying the history in time order; built at the first copy only, so ingest's writes do
// not maintain a second index.
const INDEX_BY_TIME = 'CREATE INDEX IF NOT EXISTS readings_by_time ON readings (ts, device_id)';
const SELECT_READINGS_BETWEEN = `
SELECT device_id AS deviceId, ts, seq, metric, value, is_bool AS isBool FROM readings
WHERE ts BETWEEN @from AND @to ORDER BY ts, device_id`;

interface LatestRow {
  metric: string;
  ts: number;
  value: number;
  isBool: number;
}

interface EventRow {
  device_id: string;
  type: string;
  ts: number;
  seq: number | null;
  grid_id: string;
  device_type: string;
  confidence: number | null;
  snapshot: string | null;
  lat: number | null;
  lng: number | null;
  attributes: string | null;
}

type DeviceRange = { deviceId: string; from: number; to: number };

/**
 * The time-series store used when no InfluxDB is configured: SQLite in WAL mode with
 * synchronous=NORMAL, so a committed write survives a process crash (a power cut may lose the
 * last commits). `path` may be ':memory:'.
 */
export function createEmbeddedStore(options: { path: string }): TimeSeriesStore {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  // Minute and hour rollups beside the raw rows, for ranges of whole minutes or hours.
  const rollups = createEmbeddedRollups(db);
  const deleteRawBefore = db.prepare('DELETE FROM readings WHERE ts < ?');

  const insertReading = db.prepare(INSERT_READING);
  const insertEvent = db.prepare(INSERT_EVENT);
  const selectLatest = db.prepare<{ deviceId: string }, LatestRow>(SELECT_LATEST);
  const prepareRange = (agg: Aggregate) =>
    db.prepare<DeviceRange & { metric: string; windowMs: number }, { windowTs: number; value: number }>(
      selectRangeSql(agg),
    );
  const selectRange: Record<Aggregate, ReturnType<typeof prepareRange>> = {
    mean: prepareRange('mean'),
    min: prepareRange('min'),
    max: prepareRange('max'),
    count: prepareRange('count'),
    last: prepareRange('last'),
  };
  const countReadings = db.prepare<DeviceRange, { n: number }>(COUNT_READINGS);
  const selectEvents = db.prepare<[string, number], EventRow>(
    'SELECT * FROM events WHERE device_id = ? ORDER BY ts DESC LIMIT ?',
  );
  const selectRaw = db.prepare<
    { deviceId: string; metric: string; from: number; to: number; limit: number },
    { ts: number; value: number; isBool: number; seq: number | null }
  >(
    `SELECT ts, value, is_bool AS isBool, seq FROM readings
     WHERE device_id = @deviceId AND metric = @metric AND ts BETWEEN @from AND @to ORDER BY ts LIMIT @limit`,
  );

  let selectReadingsBetween:
    | Database.Statement<
        { from: number; to: number },
        { deviceId: string; ts: number; seq: number | null; metric: string; value: number; isBool: number }
      >
    | undefined;
  const readReadingsBetween = (from: number, to: number, limit: number): Reading[] => {
    if (!selectReadingsBetween) {
      db.exec(INDEX_BY_TIME);
      selectReadingsBetween = db.prepare(SELECT_READINGS_BETWEEN);
    }
    // One row per metric: rows of the same device and ts are one reading.
    const readings: Reading[] = [];
    let current: Reading | undefined;
    for (const row of selectReadingsBetween.iterate({ from, to })) {
      if (!current || current.ts !== row.ts || current.deviceId !== row.deviceId) {
        if (readings.length === limit) break;
        current = { deviceId: row.deviceId, gridId: '', deviceType: '', ts: row.ts, metrics: {} };
        if (row.seq !== null) current.seq = row.seq;
        readings.push(current);
      }
      current.metrics[row.metric] = row.isBool ? row.value !== 0 : row.value;
    }
    return readings;
  };

  const insertReadings = db.transaction((readings: Reading[]) => {
    for (const r of readings) {
      for (const [metric, value] of Object.entries(r.metrics)) {
        const isBool = typeof value === 'boolean';
        const { changes } = insertReading.run(
          r.deviceId,
          metric,
          r.ts,
          r.seq ?? null,
          Number(value),
          isBool ? 1 : 0,
        );
        if (changes > 0) rollups.add(r.deviceId, metric, r.ts, Number(value));
      }
    }
  });

  const insertEvents = db.transaction((events: DeviceEvent[]) => {
    for (const e of events) {
      insertEvent.run(
        e.deviceId,
        e.type,
        e.ts,
        e.seq ?? null,
        e.gridId,
        e.deviceType,
        e.confidence ?? null,
        e.snapshot ?? null,
        e.location?.lat ?? null,
        e.location?.lng ?? null,
        e.attributes === undefined ? null : JSON.stringify(e.attributes),
      );
    }
  });

  const readLatest = (deviceId: string): LatestValues => {
    const latest: LatestValues = {};
    for (const row of selectLatest.all({ deviceId })) {
      latest[row.metric] = { ts: row.ts, value: row.isBool ? row.value !== 0 : row.value };
    }
    return latest;
  };

  // better-sqlite3 is synchronous; `async` turns its throws into rejections like the other backend.
  return {
    async writeReadings(readings) {
      insertReadings(readings);
    },
    async writeEvents(events) {
      insertEvents(events);
    },
    async latest(deviceId) {
      return readLatest(deviceId);
    },
    async latestForDevices(deviceIds) {
      return new Map(deviceIds.map((id) => [id, readLatest(id)]));
    },
    async range(query) {
      assertValidRange(query);
      if (ROLLUP_RESOLUTIONS_MS.some((r) => query.windowMs % r === 0))
        return rollups.aggregate({ ...query, deviceIds: [query.deviceId] });
      const { agg, ...params } = query;
      return selectRange[agg].all(params).map((row) => ({ ts: row.windowTs, value: row.value }));
    },
    async aggregateDevices(query) {
      assertValidRange(query);
      return query.deviceIds.length === 0 ? [] : rollups.aggregate(query);
    },
    async applyRetention(cutoffs) {
      if (cutoffs.rawBefore !== undefined) deleteRawBefore.run(cutoffs.rawBefore);
      if (cutoffs.minuteRollupsBefore !== undefined) rollups.prune(60_000, cutoffs.minuteRollupsBefore);
      if (cutoffs.hourRollupsBefore !== undefined) rollups.prune(3_600_000, cutoffs.hourRollupsBefore);
    },
    async countReadings(deviceId, from, to) {
      return countReadings.get({ deviceId, from, to })?.n ?? 0;
    },
    async recentEvents(deviceId, limit) {
      if (limit <= 0) return [];
      return selectEvents.all(deviceId, limit).map(toDeviceEvent);
    },
    async readRaw(query) {
      if (query.limit <= 0) return [];
      return selectRaw.all(query).map((row) => {
        const point: RawPoint = { ts: row.ts, value: row.isBool ? row.value !== 0 : row.value };
        if (row.seq !== null) point.seq = row.seq;
        return point;
      });
    },
    async eventsBetween(query) {
      if (query.limit <= 0) return [];
      // Only the given filters; the statement is small and prepared per call (backtests are rare).
      const filters = [
        ['device_id', query.deviceId],
        ['grid_id', query.gridId],
        ['type', query.type],
      ] as const;
      const given = filters.filter(([, value]) => value !== undefined);
      const where = given.map(([column]) => ` AND ${column} = ?`).join('');
      return db
        .prepare<unknown[], EventRow>(
          `SELECT * FROM events WHERE ts BETWEEN ? AND ?${where} ORDER BY ts, device_id, type LIMIT ?`,
        )
        .all(query.from, query.to, ...given.map(([, value]) => value), query.limit)
        .map(toDeviceEvent);
    },
    async readingsBetween(query) {
      return query.limit <= 0 ? [] : readReadingsBetween(query.from, query.to, Math.trunc(query.limit));
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

function toDeviceEvent(row: EventRow): DeviceEvent {
  const event: DeviceEvent = {
    deviceId: row.device_id,
    gridId: row.grid_id,
    deviceType: row.device_type,
    ts: row.ts,
    type: row.type,
  };
  if (row.seq !== null) event.seq = row.seq;
  if (row.confidence !== null) event.confidence = row.confidence;
  if (row.snapshot !== null) event.snapshot = row.snapshot;
  if (row.lat !== null && row.lng !== null) event.location = { lat: row.lat, lng: row.lng };
  if (row.attributes !== null) event.attributes = JSON.parse(row.attributes) as Record<string, unknown>;
  return event;
}
