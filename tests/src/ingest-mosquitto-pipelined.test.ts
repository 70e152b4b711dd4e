import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashDeviceSecret, insertDevices, openStateDb } from '@gridsense/state';
import { afterEach, describe, expect, it } from 'vitest';
import {
  numberedSmokeDetectors,
  provisionIngestDataDir,
  startIngestProcess,
  type IngestProcess,
} from './harness/ingest-process';
import { mosquittoTestMode, startMosquitto, type MosquittoInstance } from './harness/mosquitto';
import {
  embeddedSeqCounts,
  misstored,
  startNumberedDevices,
  type NumberedFleet,
} from './harness/numbered-devices';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

/** How often each seq of each device is stored, summed over the data dirs of several ingests. */
function storedCounts(dataDirs: string[], deviceIds: string[]): Map<string, Map<number, number>> {
  const all = new Map<string, Map<number, number>>();
  for (const id of deviceIds) {
    const sum = new Map<number, number>();
    for (const dir of dataDirs)
      for (const [seq, n] of embeddedSeqCounts(dir, id)) sum.set(seq, (sum.get(seq) ?? 0) + n);
    all.set(id, sum);
  }
  return all;
}

const storedTotal = (dirs: string[], ids: string[]) =>
  [...storedCounts(dirs, ids).values()].reduce((n, m) => n + m.size, 0);
const ackedTotal = (fleet: NumberedFleet) => [...fleet.acked.values()].reduce((n, s) => n + s.size, 0);

/**
 * Kills the first ingest with SIGKILL while the devices publish, lets them finish, starts it again,
 * and checks that every acknowledged reading ends up stored exactly once.
 */
async function killFirstIngestThenCountOnce(
  fleet: NumberedFleet,
  ingests: IngestProcess[],
  dirs: string[],
  ids: string[],
): Promise<void> {
  await ingests[0]!.kill();
  const storedAtKill = storedTotal(dirs, ids);
  await sleep(500); // devices keep publishing; Mosquitto queues for ingest's persistent session
  await fleet.finish(30_000);
  const total = ackedTotal(fleet);
  expect(total).toBe(fleet.sent());
  expect(storedAtKill).toBeLessThan(total);
  await ingests[0]!.restart();

  expect(await eventually(() => storedTotal(dirs, ids) >= total, 60_000)).toBe(true);
  expect(misstored(fleet.acked, storedCounts(dirs, ids))).toEqual([]);
}

// Ingest on its own behind a real Mosquitto (persistent sessions, autosave as docker/mosquitto.conf),
// its subscriber keeping many QoS 1 messages in flight and PUBACKing each once its batch is durable.
describe.skipIf(mosquittoTestMode() === 'skip')('pipelined ingest subscriber behind Mosquitto', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    instances: number,
    devices: ReturnType<typeof numberedSmokeDetectors>,
    /** Ingest subscribes over WebSocket; devices still publish over TCP. */
    websockets = false,
    /** GRIDSENSE_INGEST_THREADS: 1 runs the pipeline in a worker thread. */
    threads: 0 | 1 = 0,
  ) {
    const mosquitto: MosquittoInstance = await startMosquitto({
      persistence: { autosaveIntervalS: 10 },
      websockets,
    });
    cleanups.push(() => mosquitto.stop());
    const dirs: string[] = [];
    const ingests: IngestProcess[] = [];
    for (let index = 1; index <= instances; index++) {
      const dir = await mkdtemp(join(tmpdir(), 'gridsense-pipelined-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      await provisionIngestDataDir(dir, devices);
      const ingest = await startIngestProcess(dir, {
        MQTT_URL: websockets ? mosquitto.wsUrl! : mosquitto.url,
        GRIDSENSE_INGEST_INSTANCE: `${index}/${instances}`,
        GRIDSENSE_INGEST_THREADS: String(threads),
      });
      cleanups.push(() => ingest.stop());
      dirs.push(dir);
      ingests.push(ingest);
    }
    return { mosquitto, dirs, ingests };
  }

  // GRIDSENSE_INGEST_THREADS 0: the pipeline on the subscriber's loop; 1: in a worker thread.
  it.each([0, 1] as const)(
    'stores every reading Mosquitto acknowledged exactly once across an ingest kill -9 with many in flight (threads %s)',
    async (threads) => {
      const devices = numberedSmokeDetectors(`pipelined-${threads}`, 40);
      const ids = devices.map((d) => d.id);
      const { mosquitto, dirs, ingests } = await setUp(1, devices, false, threads);
      const started = ingests[0]!.output().split('"pipeline":"worker thread"').length - 1;
      expect(started).toBe(threads);
      const fleet = await startNumberedDevices({
        url: mosquitto.url,
        devices,
        inFlight: 2,
        intervalMs: 20,
        metric: { name: 'battery', value: 70 },
      });
      cleanups.push(() => fleet.close());
      expect(await eventually(() => storedTotal(dirs, ids) > 1_000, 60_000)).toBe(true);
      await killFirstIngestThenCountOnce(fleet, ingests, dirs, ids);
      // The restarted process runs its pipeline where the first one did.
      expect(ingests[0]!.output().split('"pipeline":"worker thread"').length - 1).toBe(2 * threads);
    },
    300_000,
  );

  // The web service registers devices in the state database while ingest runs: ingest must take
  // them up (the bus event, or its periodic reload), not reject them as unknown until a restart.
  it.each([0, 1] as const)(
    'stores the readings of a device registered while it runs (threads %s)',
    async (threads) => {
      const [early, late] = numberedSmokeDetectors(`registered-${threads}`, 2);
      const { mosquitto, dirs } = await setUp(1, [early!], false, threads);
      const db = await openStateDb(join(dirs[0]!, 'state.db'));
      try {
        await insertDevices(
          db,
          [
            {
              id: late!.id,
              gridId: late!.gridId,
              type: late!.type,
              name: late!.id,
              lat: 30.255,
              lng: 120.17,
              secretHash: hashDeviceSecret(late!.secret),
            },
          ],
          Date.now(),
        );
      } finally {
        await db.destroy();
      }
      const fleet = await startNumberedDevices({
        url: mosquitto.url,
        devices: [late!],
        inFlight: 1,
        intervalMs: 200,
        metric: { name: 'battery', value: 70 },
      });
      cleanups.push(() => fleet.close());
      // The periodic reload runs every 10 s; readings before it are rejected as unknown (and
      // acknowledged by Mosquitto), those after it are stored.
      expect(await eventually(() => storedTotal(dirs, [late!.id]) >= 5, 30_000)).toBe(true);
    },
    120_000,
  );

  it('two ingest processes on $share each take part, and together store everything exactly once, across a kill -9 of one', async () => {
    const devices = numberedSmokeDetectors('shared', 24);
    const ids = devices.map((d) => d.id);
    const { mosquitto, dirs, ingests } = await setUp(2, devices);
    const fleet = await startNumberedDevices({
      url: mosquitto.url,
      devices,
      inFlight: 2,
      intervalMs: 20,
      metric: { name: 'battery', value: 70 },
    });
    cleanups.push(() => fleet.close());
    expect(await eventually(() => storedTotal(dirs, ids) > 1_000, 60_000)).toBe(true);
    // One member dies with messages in flight; its session keeps them (and its share meanwhile).
    await ingests[1]!.kill();
    await sleep(1_000);
    await ingests[1]!.restart();
    await sleep(1_000);
    await fleet.finish(30_000);
    const total = ackedTotal(fleet);
    expect(total).toBe(fleet.sent());

    expect(await eventually(() => storedTotal(dirs, ids) >= total, 60_000)).toBe(true);
    expect(misstored(fleet.acked, storedCounts(dirs, ids))).toEqual([]);
    const perInstance = dirs.map((dir) => storedTotal([dir], ids));
    expect(perInstance.every((n) => n > total / 10)).toBe(true);
  }, 300_000);

  // Mosquitto's websockets listener speaks nothing but MQTT over WebSocket: what is stored came
  // through the ws: subscriber, across a clean broker restart it reconnects from (the WebSocket
  // closes, the same session goes on) and an ingest kill -9 with many in flight.
  it('over ws: stores every reading Mosquitto acknowledged exactly once across a Mosquitto restart and an ingest kill -9', async () => {
    const devices = numberedSmokeDetectors('websocket', 40);
    const ids = devices.map((d) => d.id);
    const { mosquitto, dirs, ingests } = await setUp(1, devices, true);
    expect(mosquitto.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const fleet = await startNumberedDevices({
      url: mosquitto.url,
      devices,
      inFlight: 2,
      intervalMs: 20,
      metric: { name: 'battery', value: 70 },
    });
    cleanups.push(() => fleet.close());
    expect(await eventually(() => storedTotal(dirs, ids) > 1_000, 60_000)).toBe(true);
    await mosquitto.restart('SIGTERM');
    const storedAtRestart = storedTotal(dirs, ids);
    expect(await eventually(() => storedTotal(dirs, ids) > storedAtRestart + 500, 60_000)).toBe(true);
    await killFirstIngestThenCountOnce(fleet, ingests, dirs, ids);
  }, 300_000);

  it('refuses an MQTT_URL in a scheme it does not speak, saying which it does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridsense-pipelined-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await expect(startIngestProcess(dir, { MQTT_URL: 'http://127.0.0.1:8080/mqtt' })).rejects.toThrow(
      'MQTT_URL: protocol must be one of mqtt:, mqtts:, ws:, wss:, tcp:',
    );
  });
});
