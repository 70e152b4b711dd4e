import http from 'node:http';
import https from 'node:https';
import { InfluxDB, escape } from 'influx';
import type { DeviceEvent } from '@gridsense/core';
import {
  assertValidRange,
  type Aggregate,
  type LatestValues,
  type TimeSeriesStore,
} from './time-series-store';
import { EVENTS, SeriesKeys, TELEMETRY, eventLine, readingLine } from './influx-line-protocol';
import { createInfluxWriter } from './influx-writer';

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
}

const DEVICES_PER_QUERY = 200;
// 10,000 is the row limit older 1.x servers cut responses at; paging below it never sees a cut page.
const COUNT_PAGE = 10_000;
const SELECTORS: Record<Aggregate, string> = {
  mean: 'MEAN',
  min: 'MIN',
  max: 'MAX',
  last: 'LAST',
  count: 'COUNT',
};

// Without a username the client sends Basic root:root (its default), which would replace the
// Token header; only a non-string username switches that off, which its typings do not allow for.
const NO_BASIC_AUTH = { username: null, password: null } as unknown as {
  username?: string;
  password?: string;
};

interface RawSeries {
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
interface RawResult {
  series?: RawSeries[];
  error?: string;
}
type Row = Record<string, unknown>;

/**
 * The InfluxDB store, through the v1 HTTP API that 1.x, 2.x and 3 Core all serve. Readings go to
 * measurement `telemetry` (tags device_id, grid_id, device_type; one field per metric plus an
 * integer `seq`), events to `events`; ms precision. Writes are line protocol built here
 * (`influx-line-protocol.ts`); queries and setup go through the `influx` client. InfluxDB has no unique keys: a point with the
 * same series and time overwrites the stored one, so a redelivered reading is stored once only when
 * it repeats its `ts`. A metric named `seq` or `time` would collide with our fields and is not supported.
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
  await ensureDatabase(influx, options);

  const query = async (statements: string[]): Promise<RawResult[]> => {
    // POST: the overview's many statements would overflow a GET URL.
    const response = (await influx.queryRaw(statements.join(';\n'), { precision: 'ms', method: 'POST' })) as {
      results?: RawResult[];
      error?: string;
    };
    const failed = response.error ?? response.results?.find((r) => r.error)?.error;
    if (failed) throw new Error(`InfluxDB query failed: ${failed}`);
    return response.results ?? [];
  };

  const booleanFields = new Set<string>();
  const knownFields = new Set<string>();
  const loadFields = async (): Promise<string[]> => {
    const [result] = await query([`SHOW FIELD KEYS FROM ${TELEMETRY}`]);
    for (const row of rowsOf(result)) {
      const name = String(row.fieldKey);
      knownFields.add(name);
      if (row.fieldType === 'boolean') booleanFields.add(name);
    }
    return [...knownFields].filter((name) => name !== 'seq');
  };

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
    const metrics = deviceIds.length > 0 ? await loadFields() : [];
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

  /** Windows of one metric over the series matching `deviceClause`. */
  const aggregate = async (
    deviceClause: string,
    q: { metric: string; from: number; to: number; windowMs: number; agg: Aggregate },
  ): Promise<{ ts: number; value: number }[]> => {
    assertValidRange(q);
    if (!knownFields.has(q.metric)) await loadFields();
    const field = escape.quoted(q.metric);
    const where = `${deviceClause} AND time >= ${q.from}ms AND time <= ${q.to}ms`;
    const groupBy = `GROUP BY time(${q.windowMs}ms) fill(none)`;
    if (q.agg === 'mean' && booleanFields.has(q.metric)) {
      // InfluxQL has no MEAN over booleans: the share of true values is true-count / count.
      const [trues, all] = await query([
        `SELECT COUNT(${field}) FROM ${TELEMETRY} WHERE ${where} AND ${field} = true ${groupBy}`,
        `SELECT COUNT(${field}) FROM ${TELEMETRY} WHERE ${where} ${groupBy}`,
      ]);
      const trueCounts = new Map(windowsOf(trues).map((w) => [w.ts, w.value]));
      return windowsOf(all).map((w) => ({ ts: w.ts, value: (trueCounts.get(w.ts) ?? 0) / w.value }));
    }
    const [result] = await query([
      `SELECT ${SELECTORS[q.agg]}(${field}) FROM ${TELEMETRY} WHERE ${where} ${groupBy}`,
    ]);
    return windowsOf(result);
  };

  return {
    async writeReadings(readings) {
      const lines = new Array<string>(readings.length);
      for (let i = 0; i < readings.length; i++) {
        const reading = readings[i]!;
        lines[i] = readingLine(reading, seriesKeys.telemetry(reading));
      }
      await writeLines(lines);
    },
    async writeEvents(events) {
      await writeLines(events.map(eventLine));
    },
    async latest(deviceId) {
      return (await latestForDevices([deviceId])).get(deviceId) ?? {};
    },
    latestForDevices,
    range: (q) => aggregate(`"device_id" = ${quoteString(q.deviceId)}`, q),
    async aggregateDevices(q) {
      if (q.deviceIds.length === 0) return [];
      // A regex alternation: InfluxQL has no IN. Ids are [A-Za-z0-9_-], nothing to escape.
      return aggregate(`"device_id" =~ /^(?:${q.deviceIds.map(escapeRegexId).join('|')})$/`, q);
    },
    async applyRetention(cutoffs) {
      // InfluxDB 1.x deletes by time over InfluxQL; 2.x and 3 Core keep data by the bucket's own
      // retention period instead (set it there), and answer this statement with an error.
      if (cutoffs.rawBefore !== undefined)
        await query([`DELETE FROM ${TELEMETRY} WHERE time < ${Math.trunc(cutoffs.rawBefore)}ms`]);
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
    async close() {
      agent.destroy();
    },
  };
}

async function ensureDatabase(influx: InfluxDB, options: InfluxStoreOptions): Promise<void> {
  const [host] = await influx.ping(5_000);
  if (!host?.online) throw new Error(`InfluxDB at ${options.url} does not answer /ping`);
  // 1.x creates databases over InfluxQL (idempotently); 2.x and 3 Core manage buckets themselves.
  if (/^v?1\./.test(host.version ?? '')) await influx.createDatabase(options.database);
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

function rowsOf(result: RawResult | undefined): Row[] {
  return (result?.series ?? []).flatMap((series) =>
    series.values.map((values) => {
      const row: Row = { ...series.tags };
      series.columns.forEach((column, i) => (row[column] = values[i]));
      return row;
    }),
  );
}

/** [time, aggregate] rows as windows; booleans (MIN/MAX/LAST of a boolean field) become 1/0. */
function windowsOf(result: RawResult | undefined): { ts: number; value: number }[] {
  return (result?.series ?? []).flatMap((series) =>
    series.values.flatMap(([ts, value]) =>
      typeof ts === 'number' && (typeof value === 'number' || typeof value === 'boolean')
        ? [{ ts, value: Number(value) }]
        : [],
    ),
  );
}

/** A device id inside a regex literal (ids are [A-Za-z0-9_-]; anything else is escaped anyway). */
function escapeRegexId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
}

/** An InfluxQL string literal; escape.stringLit leaves backslashes alone. */
function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
