import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxStore } from '../../ingest/src/timeseries';
import { describeTimeSeriesStoreContract } from '../../ingest/src/timeseries/store-contract';
import { freePort } from './harness/free-port';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';

describe.skipIf(influxTestMode() === 'skip')('InfluxStore on a real influxd', () => {
  let influxd: InfluxdInstance;
  let databases = 0;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  const influxql = async (q: string, database?: string): Promise<unknown> => {
    const params = new URLSearchParams({ q, ...(database ? { db: database } : {}) });
    const response = await fetch(`${influxd.url}/query`, { method: 'POST', body: params });
    return response.json();
  };

  // A fresh database per test: the contract expects an empty store every time.
  const makeStore = async () => {
    const database = `contract_${++databases}`;
    const store = await createInfluxStore({ url: influxd.url, database });
    const cleanup = async (): Promise<void> => {
      await store.close();
      await influxql(`DROP DATABASE "${database}"`);
    };
    return { store, cleanup };
  };

  describeTimeSeriesStoreContract('contract', makeStore);

  it('creates its database and writes seq as an integer field, metrics as float and boolean', async () => {
    const { store, cleanup } = await makeStore();
    await store.writeReadings([
      { deviceId: 'd', gridId: 'g', deviceType: 't', ts: 1000, seq: 5, metrics: { temp: 20, open: true } },
    ]);

    const fields = await influxql('SHOW FIELD KEYS FROM telemetry', `contract_${databases}`);
    expect(fields).toEqual({
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: 'telemetry',
              columns: ['fieldKey', 'fieldType'],
              values: [
                ['open', 'boolean'],
                ['seq', 'integer'],
                ['temp', 'float'],
              ],
            },
          ],
        },
      ],
    });
    await cleanup();
  });

  it('refuses to start when nothing answers at the url', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(createInfluxStore({ url, database: 'x' })).rejects.toThrow(/does not answer/);
  });
});
