import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '@gridsense/core';
import {
  Spool,
  createDurableWriter,
  createInfluxStore,
  ingestMetrics,
  type IngestLog,
  type StoredItem,
} from '@gridsense/ingest';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';
import { influxSeqCounts } from './harness/numbered-devices';

const T0 = Date.UTC(2025, 0, 1);
const at = (seq: number): Reading => ({
  deviceId: 'dev-1',
  gridId: 'grid-1',
  deviceType: 'smoke_detector',
  ts: T0 + seq * 1000,
  seq,
  metrics: { temp: seq },
});

function recordingLog(): IngestLog & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => {}, warn: () => {}, error: (_fields, message) => errors.push(message) };
}

describe.skipIf(influxTestMode() === 'skip')('InfluxStore when its database is dropped (1.x)', () => {
  let influxd: InfluxdInstance;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  it('creates the database again on the next write; ingest then stores every later reading once', async () => {
    const log = recordingLog();
    const store = await createInfluxStore({ url: influxd.url, database: 'dropped', log });
    const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-dropped-'));
    const spool = await Spool.open<StoredItem>(spoolDir, { maxBytes: 1024 ** 2 });
    // As ingest writes: a write that still fails (influxd can answer 500 "shard not found" right
    // after the database is created again) goes to the spool and is replayed.
    const writer = createDurableWriter({
      store,
      spool,
      now: Date.now,
      log,
      metrics: ingestMetrics,
      onReplayRefused: () => {},
      retryMs: { min: 10, max: 50 },
    });
    const write = (readings: Reading[]) =>
      writer.write(readings.map((value) => ({ kind: 'reading', value })));
    await write([at(1)]);
    // Read the answer to the end: only then has the drop surely happened.
    await (
      await fetch(`${influxd.url}/query`, {
        method: 'POST',
        body: new URLSearchParams({ q: 'DROP DATABASE dropped' }),
      })
    ).text();

    expect(await write([at(2), at(3)])).toEqual([]);
    expect(await write([at(4)])).toEqual([]);
    await writer.drained();

    expect(await influxSeqCounts(influxd.url, 'dropped', 'dev-1')).toEqual(
      new Map([
        [2, 1],
        [3, 1],
        [4, 1],
      ]),
    );
    expect(log.errors.filter((m) => /DATABASE "dropped" WAS MISSING.*created it again/.test(m))).toHaveLength(
      1,
    );
    await writer.close();
    await spool.close();
    await store.close();
    await rm(spoolDir, { recursive: true, force: true });
  });
});

// No 2.x or 3 Core server in the test machine: a stand-in answers as they do without the bucket.
describe('InfluxStore on 2.x / 3 Core with the bucket missing', () => {
  it('keeps failing writes (so ingest spools them), creates nothing, and names the bucket in its log', async () => {
    const queries: string[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (url.pathname === '/ping') return res.writeHead(204, { 'X-Influxdb-Version': 'v2.7.11' }).end();
        if (url.pathname === '/write')
          return res
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end('{"code":"not found","message":"bucket \\"gs\\" not found"}');
        queries.push(new URLSearchParams(body).get('q') ?? url.searchParams.get('q') ?? '');
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"results":[{"statement_id":0}]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const log = recordingLog();
    try {
      const store = await createInfluxStore({
        url: `http://127.0.0.1:${port}`,
        database: 'gs',
        token: 't',
        log,
      });
      await expect(store.writeReadings([at(1)])).rejects.toMatchObject({ res: { statusCode: 404 } });
      await expect(store.writeReadings([at(2)])).rejects.toMatchObject({ res: { statusCode: 404 } });
      await store.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(queries.some((q) => /CREATE DATABASE/i.test(q))).toBe(false);
    // Once per minute, not once per retry.
    expect(log.errors).toEqual([expect.stringMatching(/database\/bucket "gs" not found.*spool/)]);
  });
});
