import type { IngestLog } from '../ingest-log';
import type { TimeSeriesStore } from './time-series-store';

export interface WhenReachableOptions {
  /** The store as logs and errors name it ("InfluxDB at …"). */
  describe: string;
  log: IngestLog;
  /** Backoff between attempts to open it (default 1 s … 30 s). */
  retryMs?: { min: number; max: number };
}

/** A write or read before the store could be opened: not permanent, so ingest spools the batch. */
export class StoreNotReachableError extends Error {
  override name = 'StoreNotReachableError';
}

const REPEAT_LOG_MS = 60_000;

/**
 * The store `open` makes, without waiting for the store to answer: an outage at start must not keep
 * ingest down, since riding out an outage is what the spool is for. The first attempt is awaited;
 * when it fails, the store is returned anyway and opened in the background with backoff. Until then
 * every call fails with StoreNotReachableError: ingest spools and acknowledges, and replays once the
 * store is open; the console's reads fail as they would during any outage.
 */
export async function openWhenReachable(
  open: () => Promise<TimeSeriesStore>,
  options: WhenReachableOptions,
): Promise<TimeSeriesStore> {
  const { log, describe } = options;
  const retry = options.retryMs ?? { min: 1_000, max: 30_000 };
  let lastError: unknown;
  try {
    return await open();
  } catch (error) {
    lastError = error;
    log.error(
      { err: error, store: describe },
      'time-series store not reachable at start: starting anyway; readings are spooled and replayed once it answers',
    );
  }

  let inner: TimeSeriesStore | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let attempting: Promise<void> | undefined;
  let lastLoggedAt = Date.now();

  const attempt = async (delay: number): Promise<void> => {
    try {
      const store = await open();
      if (closed) return await store.close();
      inner = store;
      log.warn({ store: describe }, 'time-series store reachable: opened; spooled readings are replayed');
    } catch (error) {
      lastError = error;
      if (Date.now() - lastLoggedAt >= REPEAT_LOG_MS) {
        lastLoggedAt = Date.now();
        log.error(
          { err: error, store: describe },
          'time-series store still not reachable; readings are spooled',
        );
      }
      schedule(Math.min(delay * 2, retry.max));
    }
  };
  function schedule(delay: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      attempting = attempt(delay).finally(() => (attempting = undefined));
    }, delay);
  }
  schedule(retry.min);

  const ready = (): TimeSeriesStore => {
    if (inner) return inner;
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    throw new StoreNotReachableError(`${describe} is not reachable yet (${why})`);
  };

  return {
    writeReadings: async (readings) => ready().writeReadings(readings),
    writeEvents: async (events) => ready().writeEvents(events),
    latest: async (deviceId) => ready().latest(deviceId),
    latestForDevices: async (deviceIds) => ready().latestForDevices(deviceIds),
    range: async (query) => ready().range(query),
    countReadings: async (deviceId, from, to) => ready().countReadings(deviceId, from, to),
    recentEvents: async (deviceId, limit) => ready().recentEvents(deviceId, limit),
    aggregateDevices: async (query) => ready().aggregateDevices(query),
    applyRetention: async (cutoffs) => ready().applyRetention(cutoffs),
    readRaw: async (query) => ready().readRaw(query),
    eventsBetween: async (query) => ready().eventsBetween(query),
    readingsBetween: async (query) => ready().readingsBetween(query),
    async close() {
      closed = true;
      clearTimeout(timer);
      await attempting;
      await inner?.close();
    },
  };
}
