import type { Config } from '@gridsense/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { silentLog, type IngestLog } from './ingest-log';
import {
  EMBEDDED_STORE_FILE,
  configuredStore,
  describeStore,
  readRememberedStore,
  rememberStore,
} from './remembered-store';
import { chooseStore } from './store-choice';
import { createEmbeddedStore, createInfluxStore, type TimeSeriesStore } from './timeseries';
import { openWhenReachable } from './timeseries/store-when-reachable';

export interface OpenStoreOptions {
  /** Where InfluxDB trouble GridSense handles itself is told (a dropped database, failed rollups). */
  log?: IngestLog;
  /**
   * Set it in the process that writes readings (ingest, the platform): it keeps InfluxDB's minute
   * and hour rollups up to date and records which store the data dir serves. A process that only
   * reads (the web server apart) leaves it unset.
   */
  maintainRollups?: boolean;
  now?: () => number;
  /** Backoff between attempts to open an InfluxDB that did not answer at start (default 1 s … 30 s). */
  reconnectMs?: { min: number; max: number };
}

/** A start refused because the settings name another store than the one the data dir serves. */
export class StoreMismatchError extends Error {
  override name = 'StoreMismatchError';
}

/**
 * InfluxDB when INFLUX_URL is set, otherwise the embedded store under the data dir, provided the
 * data dir serves that store (`store-choice.ts`): another one is refused unless the operator
 * confirms the move. The web server apart is refused too, though it only reads: it would show a
 * history that is not the one ingest writes, and an empty chart reads as lost data. Only a
 * writing process records the store (at its first start, and on a confirmed move). An InfluxDB
 * that does not answer does not stop the start: it is opened once it answers (ingest spools
 * meanwhile, `store-when-reachable.ts`).
 */
export async function openTimeSeriesStore(
  config: Config,
  options: OpenStoreOptions = {},
): Promise<TimeSeriesStore> {
  const log = options.log ?? silentLog;
  const writes = options.maintainRollups ?? false;
  const configured = configuredStore(config);
  const choice = chooseStore({
    remembered: await readRememberedStore(config.dataDir),
    configured,
    moveConfirmed: config.timeseriesMoveConfirmed,
    dataDir: config.dataDir,
  });
  if (choice.verdict === 'refuse') throw new StoreMismatchError(choice.message);
  const served = describeStore(configured, config.dataDir);
  const store =
    configured.kind === 'influx'
      ? await openWhenReachable(() => openStoreOfKind('influx', config, options), {
          describe: served,
          log,
          ...(options.reconnectMs ? { retryMs: options.reconnectMs } : {}),
        })
      : await openStoreOfKind('embedded', config, options);
  if (!writes) return store;
  try {
    if (choice.verdict === 'first' || choice.verdict === 'move')
      await rememberStore(config.dataDir, configured, (options.now ?? Date.now)());
  } catch (error) {
    await store.close();
    throw error;
  }
  if (choice.verdict === 'move')
    log.warn(
      { from: describeStore(choice.from, config.dataDir), to: served },
      'time-series store moved (GRIDSENSE_TIMESERIES_MOVE=confirm); readings in the old store stay there. ' +
        'Remove the setting now: while it is set, a start on another store is not refused',
    );
  else if (config.timeseriesMoveConfirmed)
    log.warn(
      { store: served },
      'GRIDSENSE_TIMESERIES_MOVE=confirm is still set: remove it, or a start on another store is not refused',
    );
  if (choice.verdict === 'first' && configured.kind === 'influx' && existsSync(embeddedPath(config)))
    log.warn(
      { embedded: embeddedPath(config), store: served },
      'the data dir also holds an embedded store; if readings were acknowledged into it, copy them with ' +
        'npm run migrate:readings -- --from embedded --to influx',
    );
  return store;
}

const embeddedPath = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, EMBEDDED_STORE_FILE);

/**
 * The embedded store under the data dir, or InfluxDB as the INFLUX_* settings describe it,
 * without the data dir's check (the migration opens both ends with it).
 */
export async function openStoreOfKind(
  kind: 'embedded' | 'influx',
  config: Config,
  options: OpenStoreOptions = {},
): Promise<TimeSeriesStore> {
  if (kind === 'embedded') return createEmbeddedStore({ path: embeddedPath(config) });
  if (!config.influxUrl) throw new Error('INFLUX_URL is not set: there is no InfluxDB to open');
  return createInfluxStore({
    url: config.influxUrl,
    database: config.influxDatabase,
    ...(config.influxUsername ? { username: config.influxUsername } : {}),
    ...(config.influxPassword ? { password: config.influxPassword } : {}),
    ...(config.influxToken ? { token: config.influxToken } : {}),
    maintainRollups: options.maintainRollups ?? false,
    ...(options.log ? { log: options.log } : {}),
  });
}
