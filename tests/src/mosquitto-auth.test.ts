import { servicePassword, type ServiceRole } from '@gridsense/broker';
import { getOrCreateSecret, openStateDb, type DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoTestMode, startMosquitto, type MosquittoInstance } from './harness/mosquitto';
import { embeddedSeqCounts } from './harness/numbered-devices';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run mosquitto:acl -- --out <dir>` on a data dir, as the compose file runs it first. */
function writeAuthFilesFromCli(
  env: Record<string, string>,
  out: string,
): Promise<{ code: number | null; output: string }> {
  const { PATH, HOME } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/mosquitto-acl.ts', '--out', out], {
    cwd: ROOT,
    env: { PATH, HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

const connectAs = (url: string, id: string, secret: string) =>
  mqtt.connectAsync(url, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });

/** Waits until `check` holds (Mosquitto reloads on SIGHUP, GridSense writes after a bus event). */
async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe.skipIf(mosquittoTestMode() === 'skip')(
  'Mosquitto with the password file and ACL GridSense writes from its registry',
  () => {
    let authDir: string;
    let cliDataDir: string;
    let mosquitto: MosquittoInstance;
    let stack: TestPlatform;
    let admin: ApiClient;
    let device: DeviceCredential;
    let neighbour: DeviceCredential;

    beforeAll(async () => {
      authDir = await mkdtemp(path.join(tmpdir(), 'gridsense-mosquitto-auth-'));
      cliDataDir = await mkdtemp(path.join(tmpdir(), 'gridsense-test-'));
      const service = { MQTT_USERNAME: 'gridsense', MQTT_PASSWORD: 'service-password-1' };
      // Before Mosquitto's first start: the files with GridSense's service account, no devices yet.
      const written = await writeAuthFilesFromCli({ GRIDSENSE_DATA_DIR: cliDataDir, ...service }, authDir);
      expect(written.code, written.output).toBe(0);
      mosquitto = await startMosquitto({ authDir });
      // GridSense reloads Mosquitto itself (SIGHUP to the process in its PID file) after each
      // rewrite, its first at start: nothing below reloads or restarts anything.
      stack = await startTestPlatform({
        env: {
          MQTT_URL: mosquitto.url,
          GRIDSENSE_MOSQUITTO_DIR: authDir,
          GRIDSENSE_MOSQUITTO_PID_FILE: mosquitto.pidFile,
          ...service,
        },
      });
      [device, neighbour] = stack.devices.filter((d) => d.type === 'smoke_detector') as [
        DeviceCredential,
        DeviceCredential,
      ];
      admin = await stack.login('admin');
    }, 90_000);

    afterAll(async () => {
      await stack?.stop();
      await mosquitto?.stop();
      await rm(authDir, { recursive: true, force: true });
      await rm(cliDataDir, { recursive: true, force: true });
    });

    it('lets a seeded device in with its secret and refuses a wrong one', async () => {
      const client = await eventually(() => connectAs(mosquitto.url, device.id, device.secret), 'connect');
      await client.endAsync();
      await expect(connectAs(mosquitto.url, device.id, `${device.secret}x`)).rejects.toThrow(
        /not authorized/i,
      );
      await expect(connectAs(mosquitto.url, 'nobody', device.secret)).rejects.toThrow(/not authorized/i);
    });

    it("lets a device publish under its own prefix only, never under another device's", async () => {
      const client = await connectAs(mosquitto.url, device.id, device.secret);
      const reading = (seq: number) => JSON.stringify({ seq, metrics: { battery: 80 } });
      // Mosquitto acknowledges a refused QoS 1 publish over MQTT 3.1.1 but delivers it to nobody.
      await client.publishAsync(`gs/v1/${neighbour.gridId}/${neighbour.id}/telemetry`, reading(1), {
        qos: 1,
      });
      await client.publishAsync(`gs/v1/${device.gridId}/${neighbour.id}/telemetry`, reading(2), { qos: 1 });
      await client.publishAsync(`gs/v1/${device.gridId}/${device.id}/telemetry`, reading(3), { qos: 1 });
      await client.endAsync();
      // GridSense's ingest, subscribed on Mosquitto, stores what Mosquitto delivered, in order.
      await eventually(async () => {
        if (!embeddedSeqCounts(stack.dataDir, device.id).has(3)) throw new Error('reading 3 not stored');
      }, 'own reading stored');
      expect([...embeddedSeqCounts(stack.dataDir, neighbour.id).keys()]).toEqual([]);
    });

    it('admits a device registered in the console; after a rotation ends its session, only the new secret', async () => {
      const registered = await admin.call<{ secret: string }>('POST', '/api/devices', {
        id: 'smoke-mosq-1',
        gridId: device.gridId,
        type: 'smoke_detector',
      });
      expect(registered.status).toBe(201);
      const passwd = () => readFile(path.join(authDir, 'passwd'), 'utf8');
      const lineOf = async () => (await passwd()).split('\n').find((l) => l.startsWith('smoke-mosq-1:'));
      const first = await eventually(
        async () => (await lineOf()) ?? Promise.reject(new Error('absent')),
        'listed',
      );
      expect(first).toMatch(/^smoke-mosq-1:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
      // Mosquitto 2.0 re-checks open sessions against the files it reloads: one whose password
      // no longer matches, or whose user is gone, is disconnected.
      const client = await eventually(
        () => connectAs(mosquitto.url, 'smoke-mosq-1', registered.body.secret),
        'new device connects',
      );
      const ended = new Promise<void>((resolve) => client.once('close', () => resolve()));

      const rotated = await admin.call<{ secret: string }>('POST', '/api/devices/smoke-mosq-1/secret');
      expect(rotated.status).toBe(200);
      await ended;
      expect(await lineOf()).not.toBe(first);
      await eventually(
        () => connectAs(mosquitto.url, 'smoke-mosq-1', rotated.body.secret).then((c) => c.endAsync()),
        'new secret accepted',
      );
      await expect(connectAs(mosquitto.url, 'smoke-mosq-1', registered.body.secret)).rejects.toThrow(
        /not authorized/i,
      );

      const open = await connectAs(mosquitto.url, 'smoke-mosq-1', rotated.body.secret);
      const kicked = new Promise<void>((resolve) => open.once('close', () => resolve()));
      expect((await admin.call('POST', '/api/devices/smoke-mosq-1/disable')).status).toBe(200);
      await kicked;
      expect(await lineOf()).toBeUndefined();
      await eventually(
        () =>
          connectAs(mosquitto.url, 'smoke-mosq-1', rotated.body.secret).then(
            (c) => c.endAsync().then(() => Promise.reject(new Error('still admitted'))),
            () => undefined,
          ),
        'disabled device refused',
      );
    }, 30_000);

    it('gives ingest and alerts accounts of their own: ingest reads device topics, alerts only the bus', async () => {
      const db = await openStateDb(path.join(stack.dataDir, 'state.db'));
      const secret = await getOrCreateSecret(db, 'mqtt_service_secret').finally(() => db.destroy());
      const service = (role: ServiceRole, clientId: string, password = servicePassword(role, secret)) =>
        mqtt.connectAsync(mosquitto.url, {
          clientId,
          username: `gridsense-${role}`,
          password,
          reconnectPeriod: 0,
        });
      await expect(service('alerts', 'gridsense-alerts-t0', 'guess')).rejects.toThrow(/not authorized/i);
      const alerts = await service('alerts', 'gridsense-alerts-t1');
      const ingest = await service('ingest', 'gridsense-ingest-t1');
      const sharedIngest = await service('ingest', 'gridsense-ingest-t2');
      try {
        const granted = async (client: mqtt.MqttClient, filter: string) =>
          (await client.subscribeAsync(filter, { qos: 1 }))[0]?.qos;
        expect(await granted(alerts, 'gridsense/#')).toBe(1);
        // Mosquitto 2.0 grants an MQTT 3.1.1 subscription its ACL refuses, then delivers nothing to it.
        expect(await granted(alerts, `gs/v1/${device.gridId}/${device.id}/#`)).toBe(1);
        expect(await granted(sharedIngest, `$share/gridsense-t/gs/v1/+/+/+`)).toBe(1);
        expect(await granted(ingest, 'gs/v1/#')).toBe(1);

        const seen: string[] = [];
        const seenByAlerts: string[] = [];
        for (const client of [ingest, sharedIngest])
          client.on(
            'message',
            (topic, payload) => topic.startsWith('gs/v1/') && seen.push(payload.toString()),
          );
        alerts.on('message', (topic) => topic.startsWith('gs/v1/') && seenByAlerts.push(topic));
        const topic = `gs/v1/${device.gridId}/${device.id}/telemetry`;
        // Refused for every service (Mosquitto acknowledges and drops); the device's own goes through.
        await alerts.publishAsync(topic, 'from alerts', { qos: 1 });
        await ingest.publishAsync(topic, 'from ingest', { qos: 1 });
        const own = await connectAs(mosquitto.url, device.id, device.secret);
        await own.publishAsync(topic, JSON.stringify({ seq: 9001, metrics: { battery: 80 } }), { qos: 1 });
        await own.endAsync();
        await eventually(async () => {
          if (seen.length < 2) throw new Error(`${seen.length} of 2 copies seen`);
        }, 'device reading delivered');
        expect(seen.every((payload) => payload.includes('9001'))).toBe(true);
        expect(seenByAlerts).toEqual([]);
      } finally {
        await alerts.endAsync();
        await ingest.endAsync();
        await sharedIngest.endAsync();
      }
    });

    it('runs alerts apart on its own account, with nothing but the shared state to log in with', async () => {
      // No MQTT_USERNAME: alerts logs in as gridsense-alerts with the password it derives.
      const { PATH, HOME } = process.env;
      const child = spawn(process.execPath, ['--import', 'tsx', 'alerts/src/main.ts'], {
        cwd: ROOT,
        env: { PATH, HOME, GRIDSENSE_DATA_DIR: stack.dataDir, MQTT_URL: mosquitto.url, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const running = new Promise<void>((resolve, reject) => {
          const read = (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('alerts running')) resolve();
          };
          child.stdout.on('data', read);
          child.stderr.on('data', read);
          void exited.then((code) => reject(new Error(`alerts exited (${code}):\n${output}`)));
        });
        await running;
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    }, 60_000);
  },
);
