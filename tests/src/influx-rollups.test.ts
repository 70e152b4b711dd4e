import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '@gridsense/core';
import { createInfluxStore } from '@gridsense/ingest';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;

const at = (ts: number, temp: number): Reading => ({
  deviceId: 'dev-1',
  gridId: 'grid-1',
  deviceType: 'smoke_detector',
  ts,
  metrics: { temp },
});
/** One reading a minute through the first hour, 0 … 59. */
const HOUR_0 = Array.from({ length: 60 }, (_, i) => at(T0 + i * MIN + 500, i));
const hourWindows = {
  deviceId: 'dev-1',
  metric: 'temp',
  from: T0,
  to: T0 + HOUR - 1,
  windowMs: HOUR,
} as const;

describe.skipIf(influxTestMode() === 'skip')('InfluxStore rollups on a real influxd', () => {
  let influxd: InfluxdInstance;
  let databases = 0;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  const influxql = async (q: string, database?: string) => {
    const params = new URLSearchParams({ q, epoch: 'ms', ...(database ? { db: database } : {}) });
    const response = await fetch(`${influxd.url}/query`, { method: 'POST', body: params });
    return (await response.json()) as { results: { series?: { values: unknown[][] }[] }[] };
  };
  const minuteRollup = async (database: string, minute: number) => {
    const body = await influxql(
      `SELECT "temp_count", "temp_max" FROM telemetry_1m WHERE time = ${minute}ms`,
      database,
    );
    return body.results[0]?.series?.[0]?.values[0]?.slice(1);
  };
  const freshDatabase = () => `rollups_${++databases}`;

  it('redoes a rolled-up minute that took a late reading, and reads it raw until then', async () => {
    const database = freshDatabase();
    const store = await createInfluxStore({ url: influxd.url, database, now: () => T0 + 2 * HOUR });
    await store.writeReadings(HOUR_0);
    // Rolls up every closed minute first; there is nothing older than T0 to delete.
    await store.applyRetention({ rawBefore: T0 });
    expect(await minuteRollup(database, T0 + 5 * MIN)).toEqual([1, 5]);

    await store.writeReadings([at(T0 + 5 * MIN + 30_000, 100)]);
    expect(await store.range({ ...hourWindows, agg: 'count' })).toEqual([{ ts: T0, value: 61 }]);
    expect(await minuteRollup(database, T0 + 5 * MIN)).toEqual([1, 5]);

    await store.applyRetention({ rawBefore: T0 + 2 * HOUR });
    expect(await minuteRollup(database, T0 + 5 * MIN)).toEqual([2, 100]);
    expect(await store.countReadings('dev-1', T0, T0 + 2 * HOUR)).toBe(0);
    expect(await store.range({ ...hourWindows, agg: 'count' })).toEqual([{ ts: T0, value: 61 }]);
    expect(await store.range({ ...hourWindows, agg: 'max' })).toEqual([{ ts: T0, value: 100 }]);
    expect(await store.range({ ...hourWindows, agg: 'last' })).toEqual([{ ts: T0, value: 59 }]);
    await store.close();
  });

  it('redoes stale minutes when it closes, so the next start does not read them stale', async () => {
    const database = freshDatabase();
    const options = { url: influxd.url, database, now: () => T0 + 2 * HOUR };
    const first = await createInfluxStore(options);
    await first.writeReadings(HOUR_0);
    await first.applyRetention({ rawBefore: T0 });
    await first.writeReadings([at(T0 + 5 * MIN + 30_000, 100)]);
    await first.close();

    expect(await minuteRollup(database, T0 + 5 * MIN)).toEqual([2, 100]);
    const second = await createInfluxStore(options);
    expect(await second.range({ ...hourWindows, agg: 'max' })).toEqual([{ ts: T0, value: 100 }]);
    await second.close();
  });

  it('keeps the minute of a late reading stale across a crash: a reader reads it raw, the next start redoes it', async () => {
    const database = freshDatabase();
    const options = { url: influxd.url, database, now: () => T0 + 2 * HOUR };
    const crashed = await createInfluxStore(options);
    await crashed.writeReadings(HOUR_0);
    await crashed.applyRetention({ rawBefore: T0 });
    await crashed.writeReadings([at(T0 + 5 * MIN + 30_000, 100)]);
    // No close(): the process died here, with the minute's redo still to do.

    const reader = await createInfluxStore({ ...options, maintainRollups: false });
    expect(await reader.range({ ...hourWindows, agg: 'max' })).toEqual([{ ts: T0, value: 100 }]);
    expect(await minuteRollup(database, T0 + 5 * MIN)).toEqual([1, 5]);

    const restarted = await createInfluxStore(options);
    await restarted.applyRetention({ rawBefore: T0 + 2 * HOUR }); // rolls up, then deletes raw
    expect(await minuteRollup(database, T0 + 5 * MIN)).toEqual([2, 100]);
    expect(await restarted.range({ ...hourWindows, agg: 'count' })).toEqual([{ ts: T0, value: 61 }]);
    await restarted.close();
    await reader.close();
    await crashed.close();
  });

  it('resumes where it got to after a restart, and a store that only reads uses the same rollups', async () => {
    const database = freshDatabase();
    const first = await createInfluxStore({ url: influxd.url, database, now: () => T0 + 30 * MIN + 10_000 });
    await first.writeReadings(HOUR_0);
    await first.applyRetention({ rawBefore: T0 }); // rolls up the first 30 minutes, all that are closed
    await first.close();
    // Raw rows of those minutes deleted behind the store's back: only their rollups remain.
    await influxql(`DELETE FROM telemetry WHERE time < ${T0 + 30 * MIN}ms`, database);

    const second = await createInfluxStore({ url: influxd.url, database, now: () => T0 + 2 * HOUR });
    const sum = { ts: T0, value: (59 * 60) / 2 / 60 };
    expect(await second.range({ ...hourWindows, agg: 'count' })).toEqual([{ ts: T0, value: 60 }]);
    expect(await second.range({ ...hourWindows, agg: 'mean' })).toEqual([sum]);

    await second.applyRetention({ rawBefore: T0 + 2 * HOUR });
    expect(await second.countReadings('dev-1', T0, T0 + 2 * HOUR)).toBe(0);
    expect(await second.range({ ...hourWindows, agg: 'count' })).toEqual([{ ts: T0, value: 60 }]);
    expect(await second.range({ ...hourWindows, windowMs: 30 * MIN, agg: 'max' })).toEqual([
      { ts: T0, value: 29 },
      { ts: T0 + 30 * MIN, value: 59 },
    ]);

    const reader = await createInfluxStore({ url: influxd.url, database, maintainRollups: false });
    expect(await reader.range({ ...hourWindows, agg: 'mean' })).toEqual([sum]);
    await reader.close();
    await second.close();
  });
});
