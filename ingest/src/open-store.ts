import type { Config } from '@gridsense/core';
import { join } from 'node:path';
import { createEmbeddedStore, createInfluxStore, type TimeSeriesStore } from './timeseries';

/** InfluxDB when INFLUX_URL is set, otherwise the embedded store under the data dir. */
export function openTimeSeriesStore(config: Config): Promise<TimeSeriesStore> {
  if (!config.influxUrl)
    return Promise.resolve(createEmbeddedStore({ path: join(config.dataDir, 'timeseries.db') }));
  return createInfluxStore({
    url: config.influxUrl,
    database: config.influxDatabase,
    ...(config.influxUsername ? { username: config.influxUsername } : {}),
    ...(config.influxPassword ? { password: config.influxPassword } : {}),
    ...(config.influxToken ? { token: config.influxToken } : {}),
  });
}
