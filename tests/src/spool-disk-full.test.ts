import {
  Spool,
  createDurableWriter,
  createEmbeddedStore,
  ingestMetrics,
  silentLog,
  type StoredItem,
  type TimeSeriesStore,
} from '@gridsense/ingest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A real full disk under the spool: a 256 KiB tmpfs. Mounting needs root and a system that allows
 * it (containers often do not): where the probe mount fails the suite is skipped, CI included;
 * `ingest/src/durable-writer.test.ts` covers the same with a fault-injecting disk everywhere.
 */
const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'gridsense-tmpfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]).status === 0;
if (!mounted) rmSync(mountPoint, { recursive: true, force: true });

const T0 = Date.UTC(2026, 0, 1);
const END = 4_102_444_800_000;
const batch = (first: number, count: number): StoredItem[] =>
  Array.from({ length: count }, (_, i) => ({
    kind: 'reading',
    value: {
      deviceId: 'smoke-1',
      gridId: 'G01',
      deviceType: 'smoke_detector',
      ts: T0 + first + i,
      seq: first + i,
      metrics: { smoke: first + i },
    },
  }));

describe.skipIf(!mounted)('the spool on a disk that fills up (tmpfs)', () => {
  afterAll(() => {
    spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('holds the batch the full disk refuses, loses no acknowledged reading, and replays them all', async () => {
    const inner = createEmbeddedStore({ path: ':memory:' });
    let down = true;
    const refused = () =>
      Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const store: TimeSeriesStore = {
      ...inner,
      writeReadings: (readings) => (down ? refused() : inner.writeReadings(readings)),
      writeEvents: (events) => (down ? refused() : inner.writeEvents(events)),
    };
    const dir = path.join(mountPoint, 'spool');
    const filler = path.join(mountPoint, 'filler');
    await writeFile(filler, Buffer.alloc(64 * 1024));
    const spool = await Spool.open<StoredItem>(dir, { maxBytes: 1 << 30 });
    const metrics = ingestMetrics;
    const writer = createDurableWriter({
      store,
      spool,
      now: Date.now,
      log: silentLog,
      metrics,
      onReplayRefused: () => {},
      retryMs: { min: 5, max: 20 },
    });
    const diskErrors = async () =>
      (await metrics.spoolWriteErrors.get()).values.find((v) => v.labels.code === 'ENOSPC')?.value ?? 0;

    // Acknowledged batches until one is held by the full disk.
    let acknowledged = 0;
    let held: Promise<StoredItem[]> | undefined;
    for (let seq = 1; !held; seq += 20) {
      let done = false;
      const write = writer.write(batch(seq, 20)).finally(() => (done = true));
      while (!done && (await diskErrors()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      if (done) acknowledged += 20;
      else held = write;
    }
    expect(acknowledged).toBeGreaterThan(0);
    expect(writer.status().spoolFull).toBe(true);

    await rm(filler); // room again
    await held;
    acknowledged += 20;
    expect(await writer.write(batch(100_000, 20))).toEqual([]);
    acknowledged += 20;

    const reopened = await Spool.open<StoredItem>(dir, { maxBytes: 1 << 30 });
    expect(reopened.corruptLines).toBe(0);
    expect(reopened.depth().items).toBe(acknowledged);
    await reopened.close();

    down = false;
    await writer.drained();
    expect(await inner.countReadings('smoke-1', 0, END)).toBe(acknowledged);
    await writer.close();
    await spool.close();
    await inner.close();
  }, 60_000);
});
