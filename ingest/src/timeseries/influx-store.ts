import http from 'node:http';
import https from 'node:https';
import { InfluxDB, escape } from 'influx';
import type { DeviceEvent } from '@gridsense/core';
import { silentLog, type IngestLog } from '../ingest-log';
import type { LatestValues, TimeSeriesStore } from './time-series-store';
import { EVENTS, SeriesKeys, TELEMETRY, eventLine, pointLine, readingLine } from './influx-line-protocol';
import { createInfluxWriter } from './influx-writer';
import { recreatingMissingDatabase } from './influx-missing-database';
import {
  createFieldCatalog,
  quoteString,
  rowsOf,
  type InfluxQuery,
  type RawResult,
  type Row,
} from './influx-query';
import { readWindows, type WindowsQuery } from './influx-ranges';
import { readReadingsBetween } from './influx-readings';
import {
  HOUR_MS,
  MINUTE_MS,
  ROLLUP_MEASUREMENTS,
  createInfluxRollups,
  staleMarkerLine,
} from './influx-rollups';

export interface InfluxStoreOptions {
  /** e.g. `http://127.0.0.1:8086`; a path prefix (reverse proxy) is kept. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /**
   * InfluxDB 2.x / 3 Core: sent as `Authorization: Token …` on every request (host headers of the
   * `influx` client); their v1 API then maps `database` to a bucket (2.x needs a DBRP mapping).
   * Leave username/password unset with a token: Basic auth would replace the header.
   */
  token?: string;
  /** Keep the minute and hour rollups up to date (default); false in a process that only reads. */
  maintainRollups?: boolean;
  /** How often closed minutes are rolled up (default 10 s). */
  rollupEveryMs?: number;
  now?: () => number;
  log?: IngestLog;
}

const DEVICES_PER_QUERY = 200;
// 10,000 is the row limit older 1.x servers cut responses at; paging below it never sees a cut page.
const COUNT_PAGE = 10_000;
// Without a username the client sends Basic root:root (its default), which would replace the
// Token header; only a non-string username switches that off, which its typings do not allow for.
const NO_BASIC_AUTH = { username: null, password: null } as unknown as {
  username?: string;
  password?: string;
};

/**
 * The InfluxDB store, through the v1 HTTP API that 1.x, 2.x and 3 Core all serve. Readings go to
 * measurement `telemetry` (tags device_id, grid_id, device_type; one field per metric plus an
 * integer `seq`), events to `events`; ms precision. Writes are line protocol built here
 * (`influx-line-protocol.ts`, decision 0007); setup and queries go through the `influx` client.
 * InfluxDB has no unique keys: a point with the same series and time overwrites the stored one,
 * so a redelivered reading is stored once only when it repeats its `ts`. A metric named `seq` or
 * `time` would collide with our fields and is not supported.
 */
export async function createInfluxStore(options: InfluxStoreOptions): Promise<TimeSeriesStore> {
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  // Our own keep-alive agent, so close() can release its sockets.
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const influx = new InfluxDB({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    protocol: secure ? 'https' : 'http',
    path: url.pathname.replace(/\/+$/, ''),
    database: options.database,
    ...(options.username === undefined
      ? NO_BASIC_AUTH
      : { username: options.username, password: options.password }),
    // Only with a token: the client's /ping takes host headers in place of its own (Basic) ones.
    options: options.token ? { agent, headers: { Authorization: `Token ${options.token}` } } : { agent },
    // Fail fast instead of retrying inside the client: ingest spools a failed batch and replays it
    // itself, and a hung server must not hold PUBACKs for the client's default 30 s.
    pool: { maxRetries: 0, requestTimeout: 10_000 },
  });
  const isV1 = await ensureDatabase(influx, options);
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLog;

  const query: InfluxQuery = async (statements) => {
    // POST: the overview's many statements would overflow a GET URL.
    const response = (await influx.queryRaw(statements.join(';\n'), { precision: 'ms', method: 'POST' })) as {
      results?: RawResult[];
      error?: string;
    };
    const failed = response.error ?? response.results?.find((r) => r.error)?.error;
    if (failed) throw new Error(`InfluxDB query failed: ${failed}`);
    return response.results ?? [];
  };

  const fields = createFieldCatalog(query);

  const writeLines = createInfluxWriter({
    url,
    database: options.database,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.token === undefined ? {} : { token: options.token }),
    agent,
    timeoutMs: 10_000,
  });
  const seriesKeys = new SeriesKeys();

  const latestForDevices = async (deviceIds: string[]): Promise<Map<string, LatestValues>> => {
    const latest = new Map<string, LatestValues>(deviceIds.map((id) => [id, {}]));
    const metrics = deviceIds.length > 0 ? await fields.load() : [];
    if (metrics.length === 0) return latest;
    for (let i = 0; i < deviceIds.length; i += DEVICES_PER_QUERY) {
      const devices = deviceIds.slice(i, i + DEVICES_PER_QUERY);
      const where = devices.map((id) => `"device_id" = ${quoteString(id)}`).join(' OR ');
      // One LAST per field: LAST(*) would report one shared time instead of each metric's own.
      const statements = metrics.map(
        (m) => `SELECT LAST(${escape.quoted(m)}) FROM ${TELEMETRY} WHERE ${where} GROUP BY "device_id"`,
      );
      const results = await query(statements);
      results.forEach((result, index) => {
        for (const series of result.series ?? []) {
          const values = latest.get(series.tags?.device_id ?? '');
          const [ts, value] = series.values[0] ?? [];
          if (values && typeof ts === 'number' && (typeof value === 'number' || typeof value === 'boolean')) {
            values[metrics[index] ?? ''] = { ts, value };
          }
        }
      });
    }
    return latest;
  };

  const rollups = await createInfluxRollups({
    query,
    fields,
    // GridSense's own points go through the same writer as readings (one write path, one error type).
    writePoints: (points) => writeLines(points.map(pointLine)),
    maintain: options.maintainRollups ?? true,
    ...(options.rollupEveryMs === undefined ? {} : { everyMs: options.rollupEveryMs }),
    now,
    log,
  });
  const windows = (q: WindowsQuery) => readWindows({ query, fields, coverage: rollups.coverage }, q);

  const store: TimeSeriesStore = {
    async writeReadings(readings) {
      // Markers of minutes these late readings make stale go first, in the same request.
      const lines = rollups.noteWritten(readings).map(staleMarkerLine);
      for (const reading of readings) lines.push(readingLine(reading, seriesKeys.telemetry(reading)));
      await writeLines(lines);
    },
    async writeEvents(events) {
      await writeLines(events.map(eventLine));
    },
    async latest(deviceId) {
      return (await latestForDevices([deviceId])).get(deviceId) ?? {};
    },
    latestForDevices,
    range: ({ deviceId, ...q }) => windows({ ...q, deviceIds: [deviceId] }),
    aggregateDevices: windows,
    async applyRetention(cutoffs) {
      // Raw rows are deleted only once rolled up. InfluxDB 1.x deletes by time over InfluxQL;
      // 2.x and 3 Core keep data by the bucket's retention period instead (README, "Retention")
      // and answer these statements with an error.
      const deletes: [string, number | undefined][] = [
        [TELEMETRY, cutoffs.rawBefore],
        [ROLLUP_MEASUREMENTS[MINUTE_MS], cutoffs.minuteRollupsBefore],
        [ROLLUP_MEASUREMENTS[HOUR_MS], cutoffs.hourRollupsBefore],
      ];
      if (cutoffs.rawBefore !== undefined) await rollups.flush();
      rollups.noteDeleted(cutoffs);
      for (const [measurement, before] of deletes) {
        if (before !== undefined)
          await query([`DELETE FROM ${measurement} WHERE time < ${Math.trunc(before)}ms`]);
      }
    },
    async countReadings(deviceId, from, to) {
      // No COUNT counts rows (each counts one field), so page through the rows and count here.
      const seqs = new Set<number>();
      const unnumbered = new Set<number>();
      for (let cursor = from; ;) {
        const [result] = await query([
          `SELECT * FROM ${TELEMETRY} WHERE "device_id" = ${quoteString(deviceId)}` +
            ` AND time >= ${cursor}ms AND time <= ${to}ms ORDER BY time LIMIT ${COUNT_PAGE}`,
        ]);
        const rows = rowsOf(result);
        for (const row of rows) {
          if (typeof row.seq === 'number') seqs.add(row.seq);
          else unnumbered.add(Number(row.time));
        }
        if (rows.length < COUNT_PAGE) break;
        const last = Number(rows.at(-1)?.time);
        // Re-read the last page's final ms, in case points of another series share it; the sets
        // drop the repeats.
        cursor = last > cursor ? last : cursor + 1;
      }
      return seqs.size + unnumbered.size;
    },
    async recentEvents(deviceId, limit) {
      if (limit <= 0) return [];
      const [result] = await query([
        `SELECT * FROM ${EVENTS} WHERE "device_id" = ${quoteString(deviceId)} ORDER BY time DESC LIMIT ${Math.trunc(limit)}`,
      ]);
      return rowsOf(result).map(toDeviceEvent);
    },
    async readRaw(q) {
      if (q.limit <= 0) return [];
      // One field only: InfluxQL then returns just the points that have it.
      const [result] = await query([
        `SELECT ${escape.quoted(q.metric)} FROM ${TELEMETRY} WHERE "device_id" = ${quoteString(q.deviceId)}` +
          ` AND time >= ${q.from}ms AND time <= ${q.to}ms ORDER BY time LIMIT ${Math.trunc(q.limit)}`,
      ]);
      return rowsOf(result).flatMap((row) => {
        const value = row[q.metric];
        return typeof value === 'number' || typeof value === 'boolean'
          ? [{ ts: Number(row.time), value }]
          : [];
      });
    },
    async eventsBetween(q) {
      if (q.limit <= 0) return [];
      const tags = [
        ['device_id', q.deviceId],
        ['grid_id', q.gridId],
        ['type', q.type],
      ] as const;
      const where = tags
        .filter(([, value]) => value !== undefined)
        .map(([tag, value]) => ` AND "${tag}" = ${quoteString(value!)}`)
        .join('');
      const [result] = await query([
        `SELECT * FROM ${EVENTS} WHERE time >= ${q.from}ms AND time <= ${q.to}ms${where}` +
          ` ORDER BY time LIMIT ${Math.trunc(q.limit)}`,
      ]);
      return rowsOf(result).map(toDeviceEvent);
    },
    readingsBetween: (q) => readReadingsBetween(query, q),
    async close() {
      await rollups.close();
      agent.destroy();
    },
  };
  return recreatingMissingDatabase(store, {
    database: options.database,
    canCreate: isV1,
    createDatabase: () => influx.createDatabase(options.database),
    log,
    now,
  });
}

/** Creates the database on 1.x (idempotently; 2.x and 3 Core manage buckets themselves); true on 1.x. */
async function ensureDatabase(influx: InfluxDB, options: InfluxStoreOptions): Promise<boolean> {
  const [host] = await influx.ping(5_000);
  if (!host?.online) throw new Error(`InfluxDB at ${options.url} does not answer /ping`);
  const isV1 = /^v?1\./.test(host.version ?? '');
  if (isV1) await influx.createDatabase(options.database);
  return isV1;
}

function toDeviceEvent(row: Row): DeviceEvent {
  const event: DeviceEvent = {
    deviceId: String(row.device_id),
    gridId: typeof row.grid_id === 'string' ? row.grid_id : '',
    deviceType: typeof row.device_type === 'string' ? row.device_type : '',
    ts: Number(row.time),
    type: String(row.type),
  };
  if (typeof row.seq === 'number') event.seq = row.seq;
  if (typeof row.confidence === 'number') event.confidence = row.confidence;
  if (typeof row.snapshot === 'string') event.snapshot = row.snapshot;
  if (typeof row.lat === 'number' && typeof row.lng === 'number')
    event.location = { lat: row.lat, lng: row.lng };
  const attributes =
    typeof row.attributes === 'string' ? (JSON.parse(row.attributes) as Record<string, unknown>) : {};
  if (Object.keys(attributes).length > 0) event.attributes = attributes;
  return event;
}
