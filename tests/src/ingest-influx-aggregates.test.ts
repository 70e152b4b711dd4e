import { createInfluxStore } from '@gridsense/ingest';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeAggregateContract } from '../../ingest/src/timeseries/aggregate-contract';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';

describe.skipIf(influxTestMode() === 'skip')(
  'InfluxStore long-range and per-grid aggregates on a real influxd',
  () => {
    let influxd: InfluxdInstance;
    let databases = 0;

    beforeAll(async () => {
      influxd = await startInfluxd();
    });
    afterAll(async () => {
      await influxd?.stop();
    });

    describeAggregateContract('aggregate contract', async () => {
      const database = `aggregates_${++databases}`;
      const store = await createInfluxStore({ url: influxd.url, database });
      return {
        store,
        async cleanup() {
          await store.close();
          await fetch(`${influxd.url}/query`, {
            method: 'POST',
            body: new URLSearchParams({ q: `DROP DATABASE "${database}"` }),
          });
        },
      };
    });
  },
);
