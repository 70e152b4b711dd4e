import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reading } from '@gridsense/core';
import { describeAggregateContract } from './aggregate-contract';
import { createEmbeddedStore } from './embedded-store';

describeAggregateContract('EmbeddedStore aggregates (:memory:)', async () => {
  const store = createEmbeddedStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const reading = (ts: number, temp: number, seq?: number): Reading => ({
  deviceId: 'dev-1',
  gridId: 'grid-1',
  deviceType: 'smoke_detector',
  ts,
  metrics: { temp },
  ...(seq === undefined ? {} : { seq }),
});

describe('EmbeddedStore rollups', () => {
  it('answers hour windows from rollups after the raw rows are gone, and prunes rollups by their own cut-off', async () => {
    const store = createEmbeddedStore({ path: ':memory:' });
    await store.writeReadings([reading(T0 + 10, 10), reading(T0 + 20, 30), reading(T0 + HOUR + 5, 7)]);
    await store.applyRetention({ rawBefore: T0 + 2 * HOUR });
    const hours = {
      deviceId: 'dev-1',
      metric: 'temp',
      from: T0,
      to: T0 + 2 * HOUR - 1,
      windowMs: HOUR,
    } as const;

    expect(await store.countReadings('dev-1', T0, T0 + 2 * HOUR)).toBe(0);
    expect(await store.range({ ...hours, agg: 'mean' })).toEqual([
      { ts: T0, value: 20 },
      { ts: T0 + HOUR, value: 7 },
    ]);
    await store.applyRetention({ hourRollupsBefore: T0 + HOUR });
    expect(await store.range({ ...hours, agg: 'count' })).toEqual([{ ts: T0 + HOUR, value: 1 }]);
    await store.close();
  });

  it('rolls up only rows actually stored: a repeat (same device, metric, ts) does not count twice', async () => {
    const store = createEmbeddedStore({ path: ':memory:' });
    await store.writeReadings([reading(T0 + 10, 10, 1), reading(T0 + 20, 30, 2)]);
    await store.writeReadings([reading(T0 + 20, 30, 2), reading(T0 + 20, 30, 2)]);
    expect(
      await store.range({
        deviceId: 'dev-1',
        metric: 'temp',
        from: T0,
        to: T0 + HOUR - 1,
        windowMs: HOUR,
        agg: 'count',
      }),
    ).toEqual([{ ts: T0, value: 2 }]);
    await store.close();
  });

  it('rolls up a store file written before rollups existed, once, when it is opened', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-rollup-'));
    const file = path.join(dir, 'timeseries.db');
    const first = createEmbeddedStore({ path: file });
    await first.writeReadings([reading(T0 + 10, 10), reading(T0 + HOUR + 10, 30)]);
    await first.close();
    const db = new Database(file);
    db.exec('DROP TABLE rollups'); // as a file from before this version would be
    db.close();

    const reopened = createEmbeddedStore({ path: file });
    const query = {
      deviceId: 'dev-1',
      metric: 'temp',
      from: T0,
      to: T0 + 2 * HOUR - 1,
      windowMs: HOUR,
    } as const;
    expect(await reopened.range({ ...query, agg: 'max' })).toEqual([
      { ts: T0, value: 10 },
      { ts: T0 + HOUR, value: 30 },
    ]);
    await reopened.close();
    const again = createEmbeddedStore({ path: file });
    expect(await again.range({ ...query, agg: 'count' })).toEqual([
      { ts: T0, value: 1 },
      { ts: T0 + HOUR, value: 1 },
    ]);
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });
});
