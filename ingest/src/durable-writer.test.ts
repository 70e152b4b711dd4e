import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createDurableWriter, type DurableWriter, type StoredItem } from './durable-writer';
import type { IngestLog } from './ingest-log';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics';
import { createSwitchableStore, type SwitchableStore } from './ingest-test-kit';
import { createFailingDisk, type FailingDisk } from './spool/failing-disk';
import { Spool, SpoolFullError } from './spool/spool';
import { createEmbeddedStore } from './timeseries';

const T0 = Date.UTC(2025, 5, 1, 8);
const END = 4_102_444_800_000;

interface Rig {
  writer: DurableWriter;
  store: SwitchableStore;
  spool: Spool<StoredItem>;
  dir: string;
  disk: FailingDisk;
  metrics: IngestMetrics;
  logs: { level: string; message: string; fields: object }[];
  /** Appends the spool refused as full so far. */
  fullRefusals(): number;
}

/** One batch of `count` readings of smoke-1, seqs from `first`. */
const batch = (first: number, count = 1): StoredItem[] =>
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

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

const gauge = async (metrics: IngestMetrics) => (await metrics.spoolFull.get()).values[0]?.value;

describe('durable writer', () => {
  const rigs: Rig[] = [];
  afterEach(async () => {
    for (const rig of rigs.splice(0)) {
      await rig.writer.close();
      await rig.spool.close();
      await rig.store.close();
      await rm(rig.dir, { recursive: true, force: true });
    }
  });

  async function createRig(
    options: { spoolMaxBytes?: number; stallMs?: number; replayMaxItems?: number } = {},
  ): Promise<Rig> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-writer-'));
    const disk = createFailingDisk();
    const spool = await Spool.open<StoredItem>(dir, {
      maxBytes: options.spoolMaxBytes ?? 1 << 24,
      openFile: disk.openFile,
    });
    let refusals = 0;
    const append = spool.append.bind(spool);
    spool.append = async (items, at) => {
      try {
        await append(items, at);
      } catch (error) {
        if (error instanceof SpoolFullError) refusals++;
        throw error;
      }
    };
    const logs: Rig['logs'] = [];
    const log: IngestLog = {
      info: (fields, message) => logs.push({ level: 'info', message, fields }),
      warn: (fields, message) => logs.push({ level: 'warn', message, fields }),
      error: (fields, message) => logs.push({ level: 'error', message, fields }),
    };
    const store = createSwitchableStore(createEmbeddedStore({ path: ':memory:' }));
    const metrics = createIngestMetrics(new Registry());
    const writer = createDurableWriter({
      store,
      spool,
      now: Date.now,
      log,
      metrics,
      onReplayRefused: () => {},
      retryMs: { min: 5, max: 20 },
      ...(options.stallMs === undefined ? {} : { stallMs: options.stallMs }),
      ...(options.replayMaxItems === undefined ? {} : { replayMaxItems: options.replayMaxItems }),
    });
    const rig = { writer, store, spool, dir, disk, metrics, logs, fullRefusals: () => refusals };
    rigs.push(rig);
    return rig;
  }

  const stored = (rig: Rig) => rig.store.countReadings('smoke-1', 0, END);

  it('holds a batch the full disk refuses, loudly, and spools it once the disk has room: none lost', async () => {
    const rig = await createRig();
    rig.store.down = true;
    expect(await rig.writer.write(batch(1))).toEqual([]);
    rig.disk.room = 40; // part of the next line fits, then ENOSPC
    let settled: string | undefined;
    const held = rig.writer.write(batch(2)).then(
      () => (settled = 'stored'),
      () => (settled = 'failed'),
    );
    await until(() => rig.disk.failures >= 2); // refused, and retried
    expect(settled).toBeUndefined();
    expect(rig.writer.status()).toMatchObject({ spoolFull: true, depth: { batches: 1 } });
    expect(await gauge(rig.metrics)).toBe(1);
    const errors = (await rig.metrics.spoolWriteErrors.get()).values;
    expect(errors.find((v) => v.labels.code === 'ENOSPC')?.value).toBeGreaterThanOrEqual(1);
    expect(rig.logs.filter((l) => l.level === 'error' && /ENOSPC: disk full/.test(l.message))).toHaveLength(
      1,
    );

    rig.disk.room = undefined;
    await held;
    expect(settled).toBe('stored');
    expect(await rig.writer.write(batch(3))).toEqual([]);
    expect(rig.writer.status()).toMatchObject({ spoolFull: false, depth: { batches: 3 } });
    expect(await gauge(rig.metrics)).toBe(0);

    // Read back from disk: three whole batches, no line joined to a torn one.
    const reopened = await Spool.open<StoredItem>(rig.dir, { maxBytes: 1 << 24 });
    expect(reopened.corruptLines).toBe(0);
    expect(reopened.depth()).toMatchObject({ batches: 3, items: 3 });
    await reopened.close();
    rig.store.down = false;
    await rig.writer.drained();
    expect(await stored(rig)).toBe(3);
  });

  it('writes a batch held by a full disk to the store once the store is back', async () => {
    const rig = await createRig();
    rig.store.down = true;
    rig.disk.room = 0;
    const held = rig.writer.write(batch(1));
    await until(() => rig.disk.failures >= 1);
    rig.store.down = false;
    expect(await held).toEqual([]);
    expect(await stored(rig)).toBe(1);
    expect(rig.writer.status()).toMatchObject({ spooling: false, spoolFull: false });
  });

  it('calls a full spool an alarm only while the store is down, not while it replays the spool', async () => {
    // Four one-reading batches fit; replayed one at a time, so the spool stays full a while.
    const rig = await createRig({ spoolMaxBytes: 1_000, replayMaxItems: 1 });
    // The held write comes back wrapped: an async function returning it would wait for it.
    const writeUntilHeld = async (first: number): Promise<{ held: Promise<StoredItem[]> }> => {
      for (let seq = first; ; seq++) {
        const before = rig.fullRefusals();
        let done = false;
        const write = rig.writer.write(batch(seq)).finally(() => (done = true));
        await until(() => done || rig.fullRefusals() > before);
        if (!done) return { held: write };
      }
    };
    rig.store.down = true;
    const { held: heldInOutage } = await writeUntilHeld(1);
    expect(await gauge(rig.metrics)).toBe(1);
    const spoolFullErrors = () => rig.logs.filter((l) => l.level === 'error' && /SPOOL FULL/.test(l.message));
    expect(spoolFullErrors()).toHaveLength(1);

    // The store answers again: one replay write goes through, the next one hangs.
    const releaseFirst = rig.store.hold();
    rig.store.down = false;
    const writesBefore = rig.store.writes;
    await until(() => rig.store.writes > writesBefore);
    releaseFirst();
    const releaseRest = rig.store.hold();
    await heldInOutage;
    const { held: heldInReplay } = await writeUntilHeld(100);
    expect(spoolFullErrors()).toHaveLength(1);
    expect(await gauge(rig.metrics)).toBe(0);
    expect(rig.writer.status().spoolFull).toBe(false);
    expect(rig.logs.some((l) => l.level === 'info' && /replays it/.test(l.message))).toBe(true);

    releaseRest();
    await heldInReplay;
    await rig.writer.drained();
    expect(await gauge(rig.metrics)).toBe(0);
    expect(rig.writer.status()).toMatchObject({ spooling: false, spoolFull: false });
  });

  it('spools a batch the store does not answer within stallMs, and acknowledges while it hangs', async () => {
    const rig = await createRig({ stallMs: 50 });
    const release = rig.store.hold(); // a hung store: writes neither answer nor fail
    expect(await rig.writer.write(batch(1))).toEqual([]);
    expect(await rig.writer.write(batch(2))).toEqual([]);
    expect(rig.writer.status()).toMatchObject({ spooling: true, depth: { batches: 2 } });
    expect(rig.logs.some((l) => l.level === 'error' && /unavailable/.test(l.message))).toBe(true);
    expect(await stored(rig)).toBe(0);

    release();
    await rig.writer.drained();
    // The stalled write landed too: the same points again, stored once.
    expect(await stored(rig)).toBe(2);
    expect(rig.writer.status()).toMatchObject({ spooling: false });
  });

  it('replays many spooled batches per store write, in order', async () => {
    const rig = await createRig();
    rig.store.down = true;
    for (let i = 0; i < 100; i++) expect(await rig.writer.write(batch(1 + i * 20, 20))).toEqual([]);
    expect(rig.writer.status().depth).toMatchObject({ batches: 100, items: 2_000 });

    const callsBefore = rig.store.writes;
    rig.store.down = false;
    await rig.writer.drained();
    // One request per spooled batch (100) replayed slower than devices send.
    expect(rig.store.writes - callsBefore).toBe(1);
    expect(rig.store.written.map((r) => r.seq)).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));
    expect(await stored(rig)).toBe(2_000);
  });
});
