import type { Config } from '@gridsense/core';
import { join } from 'node:path';
import type { IngestLog } from './ingest-log';
import { createEmbeddedStore, createInfluxStore, type TimeSeriesStore } from './timeseries';

export interface OpenStoreOptions {
  /** Where InfluxDB trouble GridSense handles itself is told (a dropped database, failed rollups). */
  log?: IngestLog;
  /**
   * Keep InfluxDB's minute and hour rollups up to date: set it in the process that writes readings
   * (ingest, the platform); a process that only reads them (the web server apart) leaves it unset.
   */
  maintainRollups?: boolean;
}

/** InfluxDB when INFLUX_URL is set, otherwise the embedded store under the data dir. */
export function openTimeSeriesStore(
  config: Config,
  options: OpenStoreOptions = {},
): Promise<TimeSeriesStore> {
  if (!config.influxUrl)
    return Promise.resolve(createEmbeddedStore({ path: join(config.dataDir, 'timeseries.db') }));
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
