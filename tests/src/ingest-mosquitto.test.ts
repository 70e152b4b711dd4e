import type { DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoTestMode, startMosquitto, type MosquittoInstance } from './harness/mosquitto';
import { embeddedSeqCounts, misstored, startNumberedDevices } from './harness/numbered-devices';
import { startPlatformProcess, type PlatformProcess } from './harness/platform-process';
import { TestAuthenticator } from './harness/authenticator';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true or the time is up; returns the last answer. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

// One subscriber, and three on a shared subscription ($share), which is how ingest keeps up
// with an external broker (mqtt.js handles one message per client at a time).
describe.skipIf(mosquittoTestMode() === 'skip').each(['1', '3'])(
  'ingest behind Mosquitto (MQTT_URL), %s subscriber(s)',
  (subscribers) => {
    let mosquitto: MosquittoInstance;
    let platform: PlatformProcess;
    let dataDir: string;
    let devices: DeviceCredential[];

    beforeAll(async () => {
      mosquitto = await startMosquitto();
      dataDir = await mkdtemp(join(tmpdir(), 'gridsense-mosquitto-'));
      platform = await startPlatformProcess(dataDir, {
        MQTT_URL: mosquitto.url,
        GRIDSENSE_INGEST_SUBSCRIBERS: subscribers,
      });
      devices = JSON.parse(await readFile(join(dataDir, 'demo-devices.json'), 'utf8')) as DeviceCredential[];
    });
    afterAll(async () => {
      await platform?.stop();
      await mosquitto?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const seqCounts = (ids: string[]) => new Map(ids.map((id) => [id, embeddedSeqCounts(dataDir, id)]));

    it('stores readings published to Mosquitto, and counts a bad one on its device', async () => {
      const [device] = devices.filter((d) => d.type === 'gas_detector');
      const client = await mqtt.connectAsync(mosquitto.url, {
        clientId: device!.id,
        clean: false,
        reconnectPeriod: 0,
      });
      const topic = `gs/v1/${device!.gridId}/${device!.id}/telemetry`;
      for (let seq = 1; seq <= 20; seq++)
        await client.publishAsync(topic, JSON.stringify({ seq, metrics: { gas_lel: 3 } }), { qos: 1 });
      await client.publishAsync(topic, JSON.stringify({ seq: 21, metrics: { gas_lel: 300 } }), { qos: 1 });
      await client.publishAsync(topic, JSON.stringify({ seq: 5, metrics: { gas_lel: 3 } }), { qos: 1 });
      await client.endAsync();

      expect(await eventually(() => embeddedSeqCounts(dataDir, device!.id).size === 20, 10_000)).toBe(true);
      const counts = embeddedSeqCounts(dataDir, device!.id);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      // The operator enrols in two-factor sign-in at this first sign-in, as the harness does.
      const cookie = await new TestAuthenticator().signIn(platform.httpUrl, 'op1', 'test-password-1');
      const health = async () =>
        (await (
          await fetch(`${platform.httpUrl}/api/devices/${device!.id}`, {
            headers: { cookie },
          })
        ).json()) as {
          rejects: { reason: string; count: number }[];
          health: { seq: { telemetry: { duplicates: number } } };
        };
      expect(await eventually(async () => (await health()).rejects.length > 0, 5_000)).toBe(true);
      const body = await health();
      expect(body.rejects.map((r) => `${r.reason}:${r.count}`)).toEqual(['out_of_range:1']);
      expect(body.health.seq.telemetry.duplicates).toBe(1);
    });

    it('keeps what Mosquitto acknowledged while ingest was killed, and stores it once after the restart', async () => {
      const fleetDevices = devices.filter((d) => d.type === 'smoke_detector').slice(0, 6);
      const fleet = await startNumberedDevices({
        url: mosquitto.url,
        devices: fleetDevices,
        inFlight: 1,
        // Mosquitto acknowledges at once; pace the devices below what one ingest subscriber drains.
        intervalMs: 5,
        metric: { name: 'battery', value: 70 },
      });
      await sleep(1_000);
      await platform.kill();
      await sleep(1_000); // devices keep publishing; Mosquitto queues for ingest's persistent session
      await platform.restart();
      await sleep(500);
      await fleet.finish(10_000);
      await fleet.close();
      const acked = fleet.acked;
      const total = [...acked.values()].reduce((n, s) => n + s.size, 0);

      const allStored = () =>
        [...seqCounts(fleetDevices.map((d) => d.id)).values()].reduce((n, m) => n + m.size, 0) >= total;
      expect(await eventually(allStored, 20_000)).toBe(true);
      expect(total).toBe(fleet.sent());
      expect(total).toBeGreaterThan(500);
      expect(misstored(acked, seqCounts(fleetDevices.map((d) => d.id)))).toEqual([]);
    });
  },
);
