import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxStore } from '@gridsense/ingest';
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

// influxd 1.6 ignores credentials here, so a stand-in server shows the headers a real one would get.
describe('InfluxStore credentials', () => {
  const requestsOf = async (credentials: { username?: string; password?: string; token?: string }) => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      seen.push(`${path} ${req.headers.authorization ?? '-'}`);
      req.resume();
      // A 2.x-style version: the store must not try CREATE DATABASE.
      if (path === '/ping') res.writeHead(204, { 'X-Influxdb-Version': 'v2.7.11' }).end();
      else if (path === '/write') res.writeHead(204).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"results":[{"statement_id":0}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const store = await createInfluxStore({
        url: `http://127.0.0.1:${port}`,
        database: 'gs',
        ...credentials,
      });
      await store.writeReadings([
        { deviceId: 'd', gridId: 'g', deviceType: 't', ts: 1, metrics: { temp: 1 } },
      ]);
      expect(await store.latest('d')).toStrictEqual({});
      await store.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    return seen;
  };

  it('sends a token as Authorization: Token on every request (not the client default root:root)', async () => {
    // The first /query reads how far the rollups got.
    expect(await requestsOf({ token: 'tok' })).toEqual([
      '/ping Token tok',
      '/query Token tok',
      '/write Token tok',
      '/query Token tok',
    ]);
  });

  it('sends username and password as Basic auth, and nothing without credentials', async () => {
    const basic = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    expect(await requestsOf({ username: 'ops', password: 'pw' })).toEqual([
      `/ping ${basic}`,
      `/query ${basic}`,
      `/write ${basic}`,
      `/query ${basic}`,
    ]);
    expect(await requestsOf({})).toEqual(['/ping -', '/query -', '/write -', '/query -']);
  });
});
