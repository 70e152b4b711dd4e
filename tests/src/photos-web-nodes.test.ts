import { photoIdOf } from '@gridsense/core';
import { openStateDb, type StateDb } from '@gridsense/state';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestMode, sharedPostgres, stopSharedPostgres } from './harness/postgres';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';
import { startWebNodeProcess, type WebNodeProcess } from './harness/web-node-process';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(200),
]);
/** The same keys on every node, as several machines must set them. */
const KEYS = { GRIDSENSE_AUDIT_KEY: 'a'.repeat(43), GRIDSENSE_DATA_KEY: 'p'.repeat(43) };
const DAY = 86_400_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Node A is the whole platform in this process; node B is the web service alone in a child
 * process with a data dir of its own, as on another machine. Both on one PostgreSQL: the photo
 * bytes are there, so either node serves what the other took (decision 0028).
 */
describe.runIf(postgresTestMode() === 'run')('evidence photos on two web nodes, one PostgreSQL', () => {
  let nodeA: TestPlatform;
  let nodeB: WebNodeProcess;
  let nodeBDir: string;
  let state: StateDb;
  let worker: ApiClient;

  beforeAll(async () => {
    const databaseUrl = await (await sharedPostgres()).createDatabase();
    nodeA = await startTestPlatform({ env: { DATABASE_URL: databaseUrl, ...KEYS } });
    nodeBDir = await mkdtemp(join(tmpdir(), 'gridsense-node-b-'));
    nodeB = await startWebNodeProcess(nodeBDir, {
      MQTT_URL: nodeA.mqttUrl,
      DATABASE_URL: databaseUrl,
      ...KEYS,
    });
    state = await openStateDb(databaseUrl, {
      auditKey: KEYS.GRIDSENSE_AUDIT_KEY,
      personalDataKey: KEYS.GRIDSENSE_DATA_KEY,
      poolSize: 2,
    });
    worker = await nodeA.login('worker01');
  }, 180_000);

  afterAll(async () => {
    await nodeB?.stop();
    await nodeA?.stop();
    await state?.destroy();
    if (nodeBDir) await rm(nodeBDir, { recursive: true, force: true });
    await stopSharedPostgres();
  }, 60_000);

  const upload = async (baseUrl: string, type: string, body: Buffer) => {
    const response = await fetch(`${baseUrl}/api/photos`, {
      method: 'POST',
      headers: { cookie: worker.cookie, 'content-type': type },
      body,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { url: string }).url;
  };
  const fetchPhoto = (baseUrl: string, url: string) =>
    fetch(`${baseUrl}${url}`, { headers: { cookie: worker.cookie } });
  const bodyRows = async () =>
    (await state.selectFrom('photo_bodies').select('id').orderBy('id').execute()).map((row) => row.id);
  const filesUnder = (dataDir: string) => readdir(join(dataDir, 'photos')).catch(() => [] as string[]);

  let takenOnA = '';
  let takenOnB = '';

  it('serves a photo uploaded through the other node, byte for byte, and keeps no file on either', async () => {
    takenOnA = await upload(nodeA.baseUrl, 'image/png', PNG);
    takenOnB = await upload(nodeB.httpUrl, 'image/jpeg', JPEG);

    const onB = await fetchPhoto(nodeB.httpUrl, takenOnA);
    expect(onB.status).toBe(200);
    expect(onB.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await onB.arrayBuffer())).toEqual(PNG);
    const onA = await fetchPhoto(nodeA.baseUrl, takenOnB);
    expect(onA.status).toBe(200);
    expect(onA.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await onA.arrayBuffer())).toEqual(JPEG);

    expect(await bodyRows()).toEqual([photoIdOf(takenOnA), photoIdOf(takenOnB)].sort());
    expect(await filesUnder(nodeA.dataDir)).toEqual([]);
    expect(await filesUnder(nodeBDir)).toEqual([]);
  });

  it("removes an old unused upload for both nodes when one node's sweep runs", async () => {
    // The upload through node A, two days old now and used by no case.
    await state
      .updateTable('photos')
      .set({ created_at: Date.now() - 2 * DAY })
      .where('id', '=', photoIdOf(takenOnA)!)
      .execute();
    // Node B sweeps when it starts (and hourly).
    await nodeB.stop();
    await nodeB.restart();
    const deadline = Date.now() + 30_000;
    while ((await fetchPhoto(nodeA.baseUrl, takenOnA)).status !== 404) {
      if (Date.now() > deadline) throw new Error("node B's sweep did not remove the old upload");
      await sleep(200);
    }
    expect((await fetchPhoto(nodeB.httpUrl, takenOnA)).status).toBe(404);
    expect(await bodyRows()).toEqual([photoIdOf(takenOnB)]);
    // The fresh one stays, on both.
    expect((await fetchPhoto(nodeA.baseUrl, takenOnB)).status).toBe(200);
    expect((await fetchPhoto(nodeB.httpUrl, takenOnB)).status).toBe(200);
  });
});
