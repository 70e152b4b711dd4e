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

/**
 * The store, or the spool while the store is down: batches go straight to the store while the
 * spool is empty; once a write fails they go to the spool, which a drainer replays into the store
 * in order, with backoff, until it is empty again. Nothing is written to the store directly while
 * older batches wait in the spool, so the store receives batches in arrival order.
 */
export function createDurableWriter(options: DurableWriterOptions): DurableWriter {
  const { store, spool, log, metrics } = options;
  const retry = options.retryMs ?? { min: 100, max: 5_000 };
  let draining: Promise<void> | undefined;
  let closed = false;
  let spoolFull = false;
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

  const countOut = (items: StoredItem[], path: 'store' | 'spool' | 'replay', refused: StoredItem[] = []) => {
    const skip = new Set(refused);
    const readings = items.filter((i) => i.kind === 'reading' && !skip.has(i)).length;
    metrics.readingsOut.inc({ path }, readings);
  };

  async function appendHolding(items: StoredItem[]): Promise<void> {
    for (;;) {
      try {
        await spool.append(items, options.now());
        if (spoolFull) log.warn({ depth: spool.depth() }, 'spool has room again; acknowledging');
        spoolFull = false;
        metrics.spoolFull.set(0);
        return;
      } catch (error) {
        if (!(error instanceof SpoolFullError) || closed) throw error;
        // Loud on purpose: devices get no PUBACK until the store is back and drains the spool.
        if (!spoolFull || options.now() - lastLoudAt >= LOUD_EVERY_MS) {
          lastLoudAt = options.now();
          log.error(
            { depth: spool.depth(), err: error },
            'SPOOL FULL: the time-series store is down and the spool reached its limit; device acknowledgements are held until the store is back',
          );
        }
        spoolFull = true;
        metrics.spoolFull.set(1);
        await sleep(250);
      }
    }
  }

  async function drain(): Promise<void> {
    let delay = retry.min;
    while (!closed) {
      const entry = await spool.peek();
      if (!entry) break;
      try {
        const refused = await writeIsolating(entry.items);
        if (refused.length > 0) options.onReplayRefused(refused, new Error('refused by the store'));
        await spool.shift();
        countOut(entry.items, 'replay', refused);
        delay = retry.min;
      } catch (error) {
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
          const refused = await writeIsolating(items);
          countOut(items, 'store', refused);
          return refused;
        } catch (error) {
          outageSince = options.now();
          lastLoudAt = options.now();
          log.error({ err: error }, 'time-series store unavailable; spooling readings to disk');
        }
      }
      await appendHolding(items);
      countOut(items, 'spool');
      kickDrainer();
      return [];
    },
    status: () => ({ spooling: !spool.isEmpty(), spoolFull, depth: spool.depth() }),
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
