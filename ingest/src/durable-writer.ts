import type { DeviceEvent, Reading } from '@gridsense/core';
import type { IngestLog } from './ingest-log';
import type { IngestMetrics } from './ingest-metrics';
import { SpoolFullError, type Spool, type SpoolDepth } from './spool/spool';
import type { TimeSeriesStore } from './timeseries';

/** What ingest makes durable: readings and events, in arrival order. */
export type StoredItem = { kind: 'reading'; value: Reading } | { kind: 'event'; value: DeviceEvent };

export interface DurableWriterOptions {
  store: TimeSeriesStore;
  spool: Spool<StoredItem>;
  now: () => number;
  log: IngestLog;
  metrics: IngestMetrics;
  /** Items the store refused for good while replaying the spool (they were acknowledged earlier). */
  onReplayRefused(items: StoredItem[], error: unknown): void;
  /** Backoff between replay attempts while the store is down (defaults 100 ms … 5 s). */
  retryMs?: { min: number; max: number };
  /**
   * A store write unanswered this long counts as failed (default 2,000 ms): the batch goes to the
   * spool and its PUBACKs out, instead of waiting for the write's own timeout (10 s for InfluxDB).
   */
  stallMs?: number;
  /** Most readings and events per replay write (default 20,000): spooled batches go together. */
  replayMaxItems?: number;
}

export interface DurableWriter {
  /**
   * Makes a batch durable: written to the store, or (store unavailable, or spool not yet drained)
   * appended to the spool. Resolves with the items the store refused for good (a bad point, such
   * as a field type conflict), which are neither stored nor spooled. Call one batch at a time.
   */
  write(items: StoredItem[]): Promise<StoredItem[]>;
  status(): { spooling: boolean; spoolFull: boolean; depth: SpoolDepth };
  /** Resolves once the spool is empty (or the writer is closed). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A 4xx answer (InfluxDB: bad line, field type conflict) will fail again however often it is
 * retried; everything else (refused connection, timeout, 5xx, 404 database not found) may pass later.
 */
export function isPermanentWriteError(error: unknown): boolean {
  const status = (error as { res?: { statusCode?: unknown } } | null)?.res?.statusCode;
  if (typeof status === 'number') return status >= 400 && status < 500 && ![404, 408, 429].includes(status);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

const LOUD_EVERY_MS = 10_000;
const HOLD_RETRY_MS = 250;

/** A store write that did not answer within `stallMs`; it may still land (a repeat is harmless). */
export class StoreStalledError extends Error {
  constructor(ms: number) {
    super(`the time-series store did not answer a write within ${ms} ms (stalled)`);
    this.name = 'StoreStalledError';
  }
}

/**
 * Why acknowledgements are held: `full`, the spool at its limit while the store is down; `disk`,
 * the spool's disk refused the append (full, failing); `replaying`, the spool at its limit while
 * the store, answering again, replays it (not an alarm: room comes as the replay goes).
 */
type HoldReason = 'full' | 'disk' | 'replaying';

const errorCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
};

/**
 * The store, or the spool while the store is down: batches go straight to the store while the
 * spool is empty; once a write fails they go to the spool, which a drainer replays into the store
 * in order, many batches per write, with backoff, until it is empty again. Nothing is written to
 * the store directly while older batches wait in the spool, so the store receives batches in
 * arrival order. A write the store does not answer within `stallMs` counts as failed. While the
 * spool cannot take a batch (at its limit, or its disk failing), the batch and its PUBACKs wait.
 */
export function createDurableWriter(options: DurableWriterOptions): DurableWriter {
  const { store, spool, log, metrics } = options;
  const retry = options.retryMs ?? { min: 100, max: 5_000 };
  let draining: Promise<void> | undefined;
  let closed = false;
  const stallMs = options.stallMs ?? 2_000;
  const replayMaxItems = options.replayMaxItems ?? 20_000;
  let holding: HoldReason | undefined;
  let lastHoldLogAt = -Infinity;
  // Whether the store took the last write (live or replay): a full spool then means "replaying".
  let storeAnswers = false;
  let outageSince: number | undefined;
  let lastLoudAt = 0;
  const sleepers = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  async function writeToStore(items: StoredItem[]): Promise<void> {
    const readings: Reading[] = [];
    const events: DeviceEvent[] = [];
    for (const item of items) {
      if (item.kind === 'reading') readings.push(item.value);
      else events.push(item.value);
    }
    const stop = metrics.storeWriteSeconds.startTimer();
    try {
      if (readings.length > 0) await store.writeReadings(readings);
      if (events.length > 0) await store.writeEvents(events);
      stop({ outcome: 'ok' });
    } catch (error) {
      stop({ outcome: 'error' });
      throw error;
    }
  }

  /** Finds the items the store refuses by halving the batch; rewriting stored halves is harmless. */
  async function writeIsolating(items: StoredItem[]): Promise<StoredItem[]> {
    try {
      await writeToStore(items);
      return [];
    } catch (error) {
      if (!isPermanentWriteError(error)) throw error;
      if (items.length === 1) return items;
    }
    const middle = Math.ceil(items.length / 2);
    return [
      ...(await writeIsolating(items.slice(0, middle))),
      ...(await writeIsolating(items.slice(middle))),
    ];
  }

  /** The write, or StoreStalledError once it has not answered within stallMs (it may still land). */
  function writeWithinStall(items: StoredItem[]): Promise<StoredItem[]> {
    const attempt = writeIsolating(items);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreStalledError(stallMs)), stallMs);
    });
    // A stalled attempt that fails later has nobody waiting for it.
    attempt.catch(() => undefined);
    return Promise.race([attempt, stalled]).finally(() => clearTimeout(timer));
  }

  const countOut = (items: StoredItem[], path: 'store' | 'spool' | 'replay', refused: StoredItem[] = []) => {
    const skip = new Set(refused);
    const readings = items.filter((i) => i.kind === 'reading' && !skip.has(i)).length;
    metrics.readingsOut.inc({ path }, readings);
  };

  /** Logs a hold when it starts or changes, and again every 10 s while it is an alarm. */
  function holdAcknowledgements(error: unknown): void {
    const reason: HoldReason =
      error instanceof SpoolFullError ? (storeAnswers ? 'replaying' : 'full') : 'disk';
    const changed = reason !== holding;
    holding = reason;
    metrics.spoolFull.set(reason === 'replaying' ? 0 : 1);
    if (reason === 'disk') metrics.spoolWriteErrors.inc({ code: errorCode(error) });
    if (!changed && (reason === 'replaying' || options.now() - lastHoldLogAt < LOUD_EVERY_MS)) return;
    lastHoldLogAt = options.now();
    const depth = spool.depth();
    switch (reason) {
      case 'full':
        // Loud on purpose: devices get no PUBACK until the store is back and drains the spool.
        log.error(
          { depth, err: error },
          'SPOOL FULL: the time-series store is down and the spool reached its limit; device acknowledgements are held until the store is back',
        );
        return;
      case 'disk': {
        const code = errorCode(error);
        log.error(
          { depth, code, err: error },
          `SPOOL DISK FAILING (${code === 'ENOSPC' ? 'ENOSPC: disk full' : code}): batches cannot be spooled; ` +
            'device acknowledgements are held until the disk takes them again or the store does',
        );
        return;
      }
      case 'replaying':
        log.info(
          { depth },
          'spool at its limit while the store replays it; acknowledgements wait for the replay to make room',
        );
        return;
      default: {
        const unreachable: never = reason;
        return unreachable;
      }
    }
  }

  function releaseHold(): void {
    if (holding === undefined) return;
    if (holding !== 'replaying')
      log.warn({ depth: spool.depth() }, 'spool takes batches again; acknowledging');
    holding = undefined;
    metrics.spoolFull.set(0);
  }

  /**
   * Appends a batch to the spool; while the spool cannot take it (full, or its disk failing), the
   * batch waits and so do its PUBACKs: nothing is dropped, no device is disconnected. A batch
   * held while the spool is empty also goes to the store as soon as the store takes it.
   */
  async function spoolHolding(items: StoredItem[]): Promise<StoredItem[]> {
    for (;;) {
      try {
        await spool.append(items, options.now());
        releaseHold();
        countOut(items, 'spool');
        kickDrainer();
        return [];
      } catch (error) {
        if (closed) throw error;
        holdAcknowledgements(error);
      }
      await sleep(HOLD_RETRY_MS);
      if (closed || !spool.isEmpty()) continue;
      try {
        const refused = await writeWithinStall(items);
        storeAnswers = true;
        releaseHold();
        countOut(items, 'store', refused);
        return refused;
      } catch {
        storeAnswers = false;
      }
    }
  }

  async function drain(): Promise<void> {
    let delay = retry.min;
    while (!closed) {
      // Many spooled batches per write: one request per batch of 15-20 readings replays slower
      // than devices send at a few thousand readings/s, and the spool would never drain.
      const entries = await spool.peekMany(replayMaxItems);
      if (entries.length === 0) break;
      const items = entries.flatMap((entry) => entry.items);
      try {
        const refused = await writeIsolating(items);
        storeAnswers = true;
        if (refused.length > 0) options.onReplayRefused(refused, new Error('refused by the store'));
        await spool.shift(entries.length);
        countOut(items, 'replay', refused);
        delay = retry.min;
      } catch (error) {
        storeAnswers = false;
        if (options.now() - lastLoudAt >= LOUD_EVERY_MS) {
          lastLoudAt = options.now();
          log.warn(
            { err: error, depth: spool.depth() },
            'time-series store still unavailable; readings wait in the spool',
          );
        }
        await sleep(delay);
        delay = Math.min(delay * 2, retry.max);
      }
    }
    if (spool.isEmpty() && outageSince !== undefined) {
      log.info({ outageMs: options.now() - outageSince }, 'time-series store back; spool drained');
      outageSince = undefined;
    }
  }

  const kickDrainer = () => {
    draining ??= drain()
      .catch((error: unknown) => log.error({ err: error }, 'spool replay failed'))
      .finally(() => {
        draining = undefined;
        // An append may have landed after the loop saw the spool empty.
        if (!closed && !spool.isEmpty()) kickDrainer();
      });
  };
  if (!spool.isEmpty()) {
    outageSince = options.now();
    log.warn({ depth: spool.depth() }, 'replaying readings spooled before the last stop');
    kickDrainer();
  }

  return {
    async write(items) {
      metrics.batchSize.observe(items.length);
      if (spool.isEmpty()) {
        try {
          const refused = await writeWithinStall(items);
          storeAnswers = true;
          countOut(items, 'store', refused);
          return refused;
        } catch (error) {
          storeAnswers = false;
          outageSince = options.now();
          lastLoudAt = options.now();
          log.error({ err: error }, 'time-series store unavailable; spooling readings to disk');
        }
      }
      return spoolHolding(items);
    },
    status: () => ({
      spooling: !spool.isEmpty(),
      spoolFull: holding === 'full' || holding === 'disk',
      depth: spool.depth(),
    }),
    async drained() {
      while (!closed && (draining || !spool.isEmpty())) {
        kickDrainer();
        await draining;
      }
    },
    async close() {
      closed = true;
      for (const wake of sleepers) wake();
      await draining;
    },
  };
}
