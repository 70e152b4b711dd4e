import type { CaseView, ClientToServerEvents, ServerToClientEvents, TimelineEntry } from '@gridsense/core';
import type { DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../../cluster/start-cluster';
import { TestAuthenticator } from './harness/authenticator';
import { influxTestMode } from './harness/influxd';
import { influxSeqCounts, misstored, startNumberedDevices } from './harness/numbered-devices';
import { postgresTestMode } from './harness/postgres';
import { redisTestMode } from './harness/redis-server';
import type { ServiceProcess } from './harness/service-process';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const PASSWORD = 'cluster-test-password-1';
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Lines a service logged at error level or worse (pino's JSON lines). */
const errorsIn = (service: ServiceProcess) =>
  service
    .output()
    .split('\n')
    .filter((line) => /^\{"level":(50|60)/.test(line));

/** A device's reading over MQTT, PUBACK awaited (the reading is stored then). */
async function report(url: string, device: DeviceCredential, metrics: Record<string, number>): Promise<void> {
  const client = await mqtt.connectAsync(url, {
    clientId: device.id,
    username: device.id,
    password: device.secret,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    const topic = `gs/v1/${device.gridId}/${device.id}/telemetry`;
    await client.publishAsync(topic, JSON.stringify({ ts: Date.now(), seq: 1, metrics }), { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

const SMOKE = { smoke: 14.5, temperature: 45, battery: 90 };

describe.runIf([postgresTestMode(), redisTestMode(), influxTestMode()].every((mode) => mode === 'run'))(
  'a small real cluster: two broker nodes, one alerts process, two web nodes (npm run cluster)',
  () => {
    let cluster: RunningCluster;
    const authenticator = new TestAuthenticator();
    const sockets: ClientSocket[] = [];
    const smokeIn = (gridId: string) =>
      cluster.devices.find((d) => d.type === 'smoke_detector' && d.gridId === gridId)!;
    /** An API call on a web node with a session cookie. */
    const call = async <T>(baseUrl: string, cookie: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    };

    beforeAll(async () => {
      // An empty district: the tests count their own cases and reminders, not the demo's history.
      cluster = await startCluster({
        demoPassword: PASSWORD,
        deadlineCheckS: 2,
        env: { GRIDSENSE_DEMO_HISTORY_DAYS: '0' },
      });
    }, 240_000);

    afterAll(async () => {
      for (const socket of sockets) socket.disconnect();
      await cluster?.stop();
    }, 120_000);

    it("takes a risk raised by a device on broker node 1 to the worker's socket on web node 2", async () => {
      const [webOne, webTwo] = cluster.web.map((node) => node.httpUrl);
      const cookie = await authenticator.signIn(webTwo!, 'worker01', PASSWORD);
      const socket: ClientSocket = io(webTwo!, { extraHeaders: { cookie }, transports: ['websocket'] });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const device = smokeIn('G01');
      const pushed = new Promise<CaseView>((resolve) =>
        socket.on('case:updated', (view) => view.deviceId === device.id && resolve(view)),
      );

      await report(cluster.brokers[0].mqttUrl, device, SMOKE);
      const view = await pushed;
      expect(view).toMatchObject({ gridId: 'G01', category: 'fire_safety', severity: 'critical' });

      // One case, the same through web node 1 as the sign-in made on node 2 is valid there too.
      const listed = await call<CaseView[]>(webOne!, cookie, 'GET', '/api/cases');
      expect(listed.status).toBe(200);
      expect(listed.body.filter((item) => item.deviceId === device.id).map((item) => item.id)).toEqual([
        view.id,
      ]);
      for (const service of [...cluster.brokers.map((b) => b.process), cluster.alerts])
        expect(errorsIn(service)).toEqual([]);
      for (const node of cluster.web) expect(errorsIn(node.process)).toEqual([]);
    });

    it('stores every acknowledged reading exactly once when broker node 1 is killed under load, and web node 1 follows its bus to node 2', async () => {
      const [one, two] = cluster.brokers.map((node) => node.mqttUrl) as [string, string];
      // An operator on web node 1, whose bus starts on broker node 1 (MQTT_FAILOVER_URLS names node 2).
      const webOne = cluster.web[0]!.httpUrl;
      const operator: ClientSocket = io(webOne, {
        extraHeaders: { cookie: await authenticator.signIn(webOne, 'admin', PASSWORD) },
        transports: ['websocket'],
      });
      sockets.push(operator);
      await new Promise<void>((resolve, reject) => {
        operator.once('connect', resolve);
        operator.once('connect_error', reject);
      });
      // Smoke detectors of grids the other tests leave alone, half connected to each node.
      const devices = cluster.devices
        .filter((d) => d.type === 'smoke_detector' && !['G01', 'G02', 'G03', 'G04'].includes(d.gridId))
        .slice(0, 12);
      expect(devices.length).toBeGreaterThanOrEqual(8);
      // A smoke alarm the fleet does not send, raised on node 2 while node 1 is down.
      const alarm = cluster.devices.filter((d) => d.type === 'smoke_detector').at(-1)!;
      expect(devices.map((d) => d.id)).not.toContain(alarm.id);
      const onNodeOne = devices.filter((_, i) => i % 2 === 0);
      const fleets = await Promise.all([
        startNumberedDevices({
          url: one,
          fallbackUrls: [two],
          devices: onNodeOne,
          inFlight: 10,
          metric: { name: 'battery', value: 80 },
        }),
        startNumberedDevices({
          url: two,
          fallbackUrls: [one],
          devices: devices.filter((_, i) => i % 2 === 1),
          inFlight: 10,
          metric: { name: 'battery', value: 80 },
        }),
      ]);
      try {
        await sleep(2_000);
        await cluster.brokers[0].process.kill();
        const ackedAtKill = new Map(
          fleets.flatMap((fleet) => [...fleet.acked].map(([id, seqs]) => [id, seqs.size] as const)),
        );
        const alarmSeen = new Promise<CaseView>((resolve) =>
          operator.on('case:updated', (view) => view.deviceId === alarm.id && resolve(view)),
        );
        await report(two, alarm, SMOKE);
        expect(await alarmSeen).toMatchObject({ gridId: alarm.gridId, category: 'fire_safety' });
        await sleep(1_000);
        await Promise.all(fleets.map((fleet) => fleet.finish(60_000)));
        for (const fleet of fleets)
          expect([...fleet.acked.values()].reduce((n, s) => n + s.size, 0)).toBe(fleet.sent());

        // Node 1's devices went on through node 2.
        for (const device of onNodeOne) {
          expect(ackedAtKill.get(device.id)).toBeGreaterThan(0);
          expect(fleets[0].acked.get(device.id)!.size).toBeGreaterThan(ackedAtKill.get(device.id)!);
        }
        const acked = new Map(fleets.flatMap((fleet) => [...fleet.acked]));
        const counts = new Map<string, Map<number, number>>();
        for (const device of devices)
          counts.set(device.id, await influxSeqCounts(cluster.influx.url, cluster.influxDatabase, device.id));
        expect(misstored(acked, counts)).toEqual([]);
      } finally {
        await Promise.all(fleets.map((fleet) => fleet.close()));
        await cluster.brokers[0].process.restart();
      }
    }, 180_000);

    it('sends every deadline reminder once across a SIGKILL of the alerts process', async () => {
      const webTwo = cluster.web[1].httpUrl;
      const admin = await authenticator.signIn(webTwo, 'admin', PASSWORD);
      // Accept within 2 minutes: reminded at 1 minute, repeated every minute until accepted.
      const sla = {
        accept: '2m',
        arrive: '30m',
        resolve: '4h',
        repeatEveryMinutes: 1,
        escalateEveryMinutes: 60,
      };
      expect((await call(webTwo, admin, 'PUT', '/api/admin/slas/fire_safety/critical', sla)).status).toBe(
        200,
      );

      const grids = ['G02', 'G03', 'G04'];
      for (const [i, gridId] of grids.entries())
        await report(cluster.brokers[i % 2]!.mqttUrl, smokeIn(gridId), SMOKE);
      const open = await until(async () => {
        const { body } = await call<CaseView[]>(webTwo, admin, 'GET', '/api/cases');
        const ours = body.filter((item) => grids.includes(item.gridId));
        return ours.length === grids.length ? ours : undefined;
      }, 'the three cases');
      await cluster.alerts.kill();

      const timeline = async (id: string) =>
        (await call<{ timeline: TimelineEntry[] }>(webTwo, admin, 'GET', `/api/cases/${id}`)).body.timeline;
      const reminded = async () =>
        (
          await Promise.all(open.map(async (c) => (await timeline(c.id)).some((e) => e.action === 'remind')))
        ).filter(Boolean).length;
      // Owed while nothing keeps the clocks: the broker nodes run none (GRIDSENSE_ALERTS=off).
      const lastOpened = Math.max(...open.map((c) => c.openedAt));
      await sleep(Math.max(0, lastOpened + 1.2 * MINUTE - Date.now()));
      expect(await reminded()).toBe(0);

      // Killed again as soon as the restarted process is seen to have reminded (its pass may be
      // over by then: the crash between a case write and its notice is the alerts unit test's).
      await cluster.alerts.restart();
      await until(async () => ((await reminded()) > 0 ? true : undefined), 'a first reminder', 60_000);
      await cluster.alerts.kill();
      await cluster.alerts.restart();
      await until(
        async () => ((await reminded()) === grids.length ? true : undefined),
        'every reminder',
        60_000,
      );
      await sleep(5_000); // a few more passes of the clock: a reminder sent twice would show

      for (const c of open) {
        const entries = await timeline(c.id);
        expect(entries.filter((e) => e.action === 'remind')).toHaveLength(1);
        const repeats = entries.filter((e) => e.action === 'notify_repeat').map((e) => e.at);
        expect(repeats.length).toBeGreaterThan(0);
        for (let i = 1; i < repeats.length; i++)
          expect(repeats[i]! - repeats[i - 1]!).toBeGreaterThanOrEqual(sla.repeatEveryMinutes * MINUTE);
      }
      const db = new pg.Client({ connectionString: cluster.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ lines: string; case_ids: string }>(
          "SELECT lines, case_ids FROM notification_messages WHERE target_kind = 'inapp'",
        );
        const reminderLines = rows
          .filter((row) => open.some((c) => (JSON.parse(row.case_ids) as string[]).includes(c.id)))
          .flatMap((row) => JSON.parse(row.lines) as string[])
          .filter((line) => line.startsWith('签收时限将至'));
        expect(reminderLines).toHaveLength(grids.length);
      } finally {
        await db.end();
      }
    }, 300_000);
  },
);
