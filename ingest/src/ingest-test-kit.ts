import type { Bus, DeviceTopic, Reading } from '@gridsense/core';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { ActivityBook } from './device-activity';
import type { StoredItem } from './durable-writer';
import { createIngest, type Ingest, type IngestDeps } from './ingest-pipeline';
import { silentLog } from './ingest-log';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics';
import { RejectCounter } from './reject-counter';
import { SeqBook } from './seq-book';
import { Spool } from './spool/spool';
import { createEmbeddedStore, type TimeSeriesStore } from './timeseries';

/**
 * A real embedded store behind a switch: `down` makes writes fail as a refused connection would,
 * `hold` makes them wait until released, `refuse` answers a 400 for points matching it. The reads
 * pass through. Used by the unit tests of ingest; the integration tests stop a real influxd.
 */
export interface SwitchableStore extends TimeSeriesStore {
  down: boolean;
  refuse: ((reading: Reading) => boolean) | undefined;
  hold(): () => void;
  writes: number;
  /** Every reading handed to a successful write, in order. */
  written: Reading[];
}

export function createSwitchableStore(inner: TimeSeriesStore): SwitchableStore {
  let gate: Promise<void> | undefined;
  const store: SwitchableStore = {
    ...inner,
    down: false,
    refuse: undefined,
    writes: 0,
    written: [],
    hold() {
      let release = () => {};
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    async writeReadings(readings) {
      store.writes++;
      await gate;
      if (store.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const refuse = store.refuse;
      if (refuse && readings.some((r) => refuse(r)))
        throw Object.assign(new Error('partial write: field type conflict'), { res: { statusCode: 400 } });
      await inner.writeReadings(readings);
      store.written.push(...readings);
    },
    async writeEvents(events) {
      await gate;
      if (store.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      await inner.writeEvents(events);
    },
  };
  return store;
}

export interface IngestKit {
  ingest: Ingest;
  store: SwitchableStore;
  spoolDir: string;
  seqs: SeqBook;
  rejects: RejectCounter;
  activity: ActivityBook;
  metrics: IngestMetrics;
  published: string[];
  send(deviceId: string, kind: DeviceTopic['kind'], body: unknown): ReturnType<Ingest['handleDeviceMessage']>;
  cleanup(): Promise<void>;
}

export const KIT_DEVICES: Record<string, { gridId: string; type: string }> = {
  'smoke-1': { gridId: 'G01', type: 'smoke_detector' },
  'smoke-2': { gridId: 'G01', type: 'smoke_detector' },
  'cam-1': { gridId: 'G01', type: 'camera' },
};

/** An ingest over an in-memory embedded store, a temp spool dir and its own metrics registry. */
export async function createIngestKit(
  options: Partial<
    Pick<IngestDeps, 'maxInFlight' | 'now' | 'maxBatch' | 'journal' | 'handover' | 'rules' | 'onError'>
  > & {
    seqs?: SeqBook;
    spoolDir?: string;
    /** Shared with another kit (a restart); not closed by cleanup. */
    store?: SwitchableStore;
    spoolMaxBytes?: number;
  } = {},
): Promise<IngestKit> {
  const spoolDir = options.spoolDir ?? (await mkdtemp(path.join(os.tmpdir(), 'gridsense-ingest-')));
  const store = options.store ?? createSwitchableStore(createEmbeddedStore({ path: ':memory:' }));
  const spool = await Spool.open<StoredItem>(spoolDir, { maxBytes: options.spoolMaxBytes ?? 1 << 24 });
  const seqs = options.seqs ?? new SeqBook();
  const rejects = new RejectCounter();
  const activity = new ActivityBook();
  const metrics = createIngestMetrics(new Registry());
  const published: string[] = [];
  const bus: Bus = {
    publish: (event) => Promise.resolve(void published.push(event)),
    subscribe: () => Promise.resolve(),
    subscribeTopic: () => Promise.resolve(() => Promise.resolve()),
    close: () => Promise.resolve(),
  };
  const ingest = createIngest({
    store,
    spool,
    devices: {
      get: (id) => KIT_DEVICES[id],
      markOnline: () => true,
      touch: () => {},
    },
    rules: options.rules ?? { evaluateReading: () => [], evaluateEvent: () => [] },
    bus,
    rejects,
    seqs,
    activity,
    now: options.now ?? Date.now,
    log: silentLog,
    onError:
      options.onError ??
      ((error) => {
        throw error;
      }),
    metrics,
    retryMs: { min: 5, max: 20 },
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.handover ? { handover: options.handover } : {}),
  });
  return {
    ingest,
    store,
    spoolDir,
    seqs,
    rejects,
    activity,
    metrics,
    published,
    send: (deviceId, kind, body) =>
      ingest.handleDeviceMessage(
        { gridId: KIT_DEVICES[deviceId]?.gridId ?? 'G01', deviceId, kind },
        Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      ),
    async cleanup() {
      await ingest.close();
      await spool.close();
      if (!options.store) await store.close();
      if (!options.spoolDir) await rm(spoolDir, { recursive: true, force: true });
    },
  };
}
