import type { Reading } from '@gridsense/core';
import { createEmbeddedStore, type TimeSeriesStore } from '@gridsense/ingest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedCounter, type EmbeddedCounter } from '../../bench/lib/embedded-count';

// The benchmark counts what GridSense's embedded store kept through a read-only handle of its
// own; here the store is the real one, written as ingest writes it (one row per metric).
const reading = (deviceId: string, seq: number, ts: number): Reading => ({
  deviceId,
  gridId: 'G01',
  deviceType: 'smoke_detector',
  ts,
  seq,
  metrics: { smoke: 0.1, temperature: 21.5, battery: 88.5, humidity: 40 },
});

describe('counting the embedded store for the benchmark', () => {
  let dir: string;
  let path: string;
  let store: TimeSeriesStore | undefined;
  let counter: EmbeddedCounter;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-embedded-count-'));
    path = join(dir, 'timeseries.db');
    counter = openEmbeddedCounter(path);
    store = undefined;
  });

  afterEach(async () => {
    counter.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing before the store file exists', () => {
    expect(counter.countStored(0, Date.now(), ['d1'])).toEqual(new Map());
    expect(counter.commitsSeen()).toBe(0);
  });

  it('counts each reading once per device (not once per metric) within the window only', async () => {
    store = createEmbeddedStore({ path });
    await store.writeReadings([
      reading('d1', 10, 1000),
      reading('d1', 11, 1001),
      reading('d1', 12, 1002),
      reading('d1', 13, 2000), // after the window
      reading('d2', 500, 999), // before the window
      reading('d2', 501, 1500),
    ]);
    const counts = counter.countStored(1000, 1999, ['d1', 'd2', 'd3']);
    expect(counts).toEqual(
      new Map([
        ['d1', { count: 3, minSeq: 10, maxSeq: 12 }],
        ['d2', { count: 1, minSeq: 501, maxSeq: 501 }],
      ]),
    );
  });

  it('sees the store move while another connection commits, and stop when it stops', async () => {
    store = createEmbeddedStore({ path });
    await store.writeReadings([reading('d1', 1, 1000)]);
    const first = counter.commitsSeen();
    expect(counter.commitsSeen()).toBe(first);
    await store.writeReadings([reading('d1', 2, 1001)]);
    const moved = counter.commitsSeen();
    expect(moved).toBeGreaterThan(first);
    expect(counter.commitsSeen()).toBe(moved);
    expect(counter.countStored(0, 2000, ['d1']).get('d1')).toEqual({ count: 2, minSeq: 1, maxSeq: 2 });
  });
});
