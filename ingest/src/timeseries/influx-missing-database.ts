import type { IngestLog } from '../ingest-log';
import type { TimeSeriesStore } from './time-series-store';

export interface MissingDatabaseOptions {
  database: string;
  /** InfluxDB 1.x, where GridSense created the database at start and may create it again. */
  canCreate: boolean;
  createDatabase(): Promise<void>;
  log: IngestLog;
  now: () => number;
}

const REPEAT_LOG_MS = 60_000;

/** A write answered 404: the database (1.x, 3 Core) or the DBRP-mapped bucket (2.x) does not exist. */
export function isDatabaseNotFound(error: unknown): boolean {
  return (error as { res?: { statusCode?: unknown } } | null)?.res?.statusCode === 404;
}

/**
 * The store, for when its database disappears while GridSense runs (dropped, or a fresh server in
 * place of the old one). On 1.x the database is created again, as at start, and the write
 * retried; otherwise, or when creating is not allowed, the write fails, so ingest keeps the
 * readings in its spool until someone creates it, with an error log naming it once a minute.
 */
export function recreatingMissingDatabase(
  store: TimeSeriesStore,
  options: MissingDatabaseOptions,
): TimeSeriesStore {
  const { database, log } = options;
  let lastLoggedAt = -Infinity;
  let creating: Promise<boolean> | undefined;

  const logMissing = (error: unknown, message: string) => {
    if (options.now() - lastLoggedAt < REPEAT_LOG_MS) return;
    lastLoggedAt = options.now();
    log.error({ err: error, database }, message);
  };

  const create = async (error: unknown): Promise<boolean> => {
    if (!options.canCreate) {
      logMissing(
        error,
        `InfluxDB database/bucket "${database}" not found: readings wait in the spool until it exists ` +
          '(2.x: the bucket and its DBRP mapping; 3 Core: the database)',
      );
      return false;
    }
    try {
      await options.createDatabase();
    } catch (createError) {
      logMissing(
        createError,
        `InfluxDB database "${database}" not found and could not be created: readings wait in the spool until it exists`,
      );
      return false;
    }
    log.error(
      { err: error, database },
      `InfluxDB DATABASE "${database}" WAS MISSING (dropped, or a new server): created it again; ` +
        'readings written before it disappeared are gone from InfluxDB, new and spooled ones are stored',
    );
    return true;
  };

  const guard =
    <T>(write: (items: T[]) => Promise<void>) =>
    async (items: T[]): Promise<void> => {
      try {
        await write(items);
      } catch (error) {
        if (!isDatabaseNotFound(error)) throw error;
        // One creation for writes that failed together.
        creating ??= create(error).finally(() => (creating = undefined));
        if (!(await creating)) throw error;
        await write(items);
      }
    };

  return {
    ...store,
    writeReadings: guard((readings) => store.writeReadings(readings)),
    writeEvents: guard((events) => store.writeEvents(events)),
  };
}
