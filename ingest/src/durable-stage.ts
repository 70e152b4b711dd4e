import type { DeviceEvent, Reading } from '@gridsense/core';
import type { DurableWriter, StoredItem } from './durable-writer';
import { InFlightLimiter } from './in-flight-limiter';
import type { IngestMetrics } from './ingest-metrics';
import type { IntentJournal } from './intent-journal';
import type { SeqBook, SeqStream } from './seq-book';
import type { SeqHandover } from './seq-handover';
import type { Deduped, SeqDeduper } from './seq-dedup';
import { WriteBatcher } from './write-batcher';

export interface DurableStageDeps {
  writer: DurableWriter;
  seqs: SeqBook;
  dedup: SeqDeduper;
  metrics: IngestMetrics;
  /** Intents of every write, so seqs in flight at a crash are written once after it. */
  journal: IntentJournal | undefined;
  /** On a broker cluster: the intents shared too, for a node that takes a device over. */
  handover?: SeqHandover;
  /** Readings admitted and not yet durable; more wait (and so do their PUBACKs). */
  maxInFlight: number;
  /** Most readings and events per group commit. */
  maxBatch: number;
  /** A point the store refused for good (neither stored nor spooled). */
  onRefused(deviceId: string, detail: string): void;
}

export interface DurableStage {
  /**
   * Drops duplicates, hands the fresh ones to `onFresh` (the rules: an alert need not wait for the
   * group commit), makes them durable (bounded in flight, group-committed, journaled), records
   * their seqs, then calls `finish` with what was stored; synchronous where it can be.
   */
  storeFresh<T extends Reading | DeviceEvent, R>(
    stream: SeqStream,
    deviceId: string,
    values: T[],
    onFresh: (fresh: T[]) => void,
    finish: (stored: T[], duplicates: number) => R,
  ): Promise<R>;
  inFlight(): { readings: number; waiting: number };
  /** Resolves once everything handed in so far is durable. */
  flush(): Promise<void>;
}

/**
 * From fresh readings to durable ones: admission (bounded, one device at a time in turn when the
 * store is slow), group commit with its journal, seq records.
 */
export function createDurableStage(deps: DurableStageDeps): DurableStage {
  const { dedup, metrics } = deps;
  const limiter = new InFlightLimiter(deps.maxInFlight);
  const batcher = new WriteBatcher<StoredItem>(
    async (items) => {
      const intents =
        (deps.journal ?? deps.handover)
          ? items.map((item) => ({
              stream: streamOf(item),
              deviceId: item.value.deviceId,
              seq: item.value.seq,
              ts: item.value.ts,
            }))
          : [];
      const token = deps.journal?.begin(intents);
      try {
        if (deps.handover)
          await deps.handover.share(
            intents.map((intent) => ({ ...intent, boot: deps.seqs.bootOf(intent.stream, intent.deviceId) })),
          );
        return await deps.writer.write(items);
      } finally {
        // After the callers have recorded the batch's seqs (microtasks run before setImmediate), so
        // a journal file is never deleted while its seqs are in neither it nor the saved seq state.
        if (token) setImmediate(() => deps.journal?.settle(token));
      }
    },
    { maxItems: deps.maxBatch },
  );

  // The per-message path below avoids named inner closures: each one costs a defineProperty
  // call at ~30,000 messages/s under the TypeScript loader (esbuild keepNames), so callbacks are
  // anonymous arrows calling functions of this scope.

  /** Admission, group commit, then the seqs of what was stored. Resolves with the stored values. */
  function makeDurable<T extends Reading | DeviceEvent>(
    stream: SeqStream,
    deviceId: string,
    values: T[],
    claimed: number[],
  ): Promise<T[]> {
    const items = values.map((value): StoredItem =>
      'metrics' in value ? { kind: 'reading', value } : { kind: 'event', value },
    );
    if (limiter.tryAcquire(items.length)) return writeAdmitted(stream, deviceId, values, items, claimed);
    return limiter
      .acquire(deviceId, items.length)
      .then(() => writeAdmitted(stream, deviceId, values, items, claimed));
  }

  function writeAdmitted<T extends Reading | DeviceEvent>(
    stream: SeqStream,
    deviceId: string,
    values: T[],
    items: StoredItem[],
    claimed: number[],
  ): Promise<T[]> {
    return batcher.add(items, deviceId).then(
      (refused) => recordStored(stream, deviceId, values, refused, claimed),
      (error: unknown) => {
        limiter.release(values.length);
        dedup.release(stream, deviceId, claimed);
        throw error;
      },
    );
  }

  function recordStored<T extends Reading | DeviceEvent>(
    stream: SeqStream,
    deviceId: string,
    values: T[],
    refusedItems: StoredItem[],
    claimed: number[],
  ): T[] {
    let kept = values;
    if (refusedItems.length > 0) {
      const refused = new Set<Reading | DeviceEvent>(refusedItems.map((item) => item.value));
      for (const value of refused)
        deps.onRefused(deviceId, `the store refused the point at ts ${value.ts} (seq ${value.seq ?? '–'})`);
      kept = values.filter((value) => !refused.has(value));
    }
    let skipped = 0;
    for (const value of kept)
      if (value.seq !== undefined) skipped += deps.seqs.record(stream, deviceId, value.seq);
    if (skipped > 0) metrics.seqGaps.inc(skipped);
    limiter.release(values.length);
    // Claims go after the seqs are recorded: a waiting redelivery then sees them as stored.
    dedup.release(stream, deviceId, claimed);
    return kept;
  }

  type Finish<T, R> = (stored: T[], duplicates: number) => R;

  /** Dedup, then (for what is fresh) durability, then the outcome; synchronous where it can be. */
  function storeFresh<T extends Reading | DeviceEvent, R>(
    stream: SeqStream,
    deviceId: string,
    values: T[],
    onFresh: (fresh: T[]) => void,
    finish: Finish<T, R>,
  ): Promise<R> {
    const deduped = dedup.drop(stream, deviceId, values);
    return deduped instanceof Promise
      ? deduped.then((d) => storeDeduped(stream, deviceId, d, onFresh, finish))
      : storeDeduped(stream, deviceId, deduped, onFresh, finish);
  }

  function storeDeduped<T extends Reading | DeviceEvent, R>(
    stream: SeqStream,
    deviceId: string,
    { fresh, duplicates, claimed }: Deduped<T>,
    onFresh: (fresh: T[]) => void,
    finish: Finish<T, R>,
  ): Promise<R> {
    if (fresh.length === 0) return Promise.resolve(finish([], duplicates));
    onFresh(fresh);
    return makeDurable(stream, deviceId, fresh, claimed).then((stored) => finish(stored, duplicates));
  }

  return { storeFresh, inFlight: () => limiter.stats(), flush: () => batcher.flush() };
}

const streamOf = (item: StoredItem): SeqStream => (item.kind === 'reading' ? 'telemetry' : 'event');
