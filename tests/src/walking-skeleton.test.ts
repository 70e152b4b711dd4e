import type { CaseDetailView, CaseView, DeviceView } from '@gridsense/core';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';
import { nextCaseUpdate, startTestPlatform, type TestPlatform } from './harness/test-platform';

// A 1×1 PNG: the evidence photo a grid worker attaches when resolving a fire-safety case.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

type Backend = { name: string; start: () => Promise<{ influxUrl?: string; stop(): Promise<void> }> };

const backends: Backend[] = [
  { name: 'embedded store', start: () => Promise.resolve({ stop: () => Promise.resolve() }) },
];
if (influxTestMode() === 'run') {
  backends.push({
    name: 'real InfluxDB',
    start: async () => {
      const influxd: InfluxdInstance = await startInfluxd();
      return { influxUrl: influxd.url, stop: () => influxd.stop() };
    },
  });
}

describe.each(backends)('from a smoke reading to a resolved case ($name)', (backend) => {
  let env: TestPlatform;
  let stopBackend: () => Promise<void>;

  beforeAll(async () => {
    const started = await backend.start();
    stopBackend = () => started.stop();
    env = await startTestPlatform(started.influxUrl ? { influxUrl: started.influxUrl } : {});
  });

  afterAll(async () => {
    await env?.stop();
    await stopBackend?.();
  });

  it('opens, routes, pushes, resolves and shows the case with its timeline', async () => {
    const smoke = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G01')!;
    const worker = await env.login('worker01'); // primary on duty for G01
    const otherWorker = await env.login('worker03'); // G02
    const workerSocket = await worker.socket();
    const otherSocket = await otherWorker.socket();
    const leaked: CaseView[] = [];
    otherSocket.on('case:updated', (view) => leaked.push(view));

    const pushed = nextCaseUpdate(workerSocket, (view) => view.deviceId === smoke.id);
    const device = await mqtt.connectAsync(env.mqttUrl, {
      clientId: smoke.id,
      username: smoke.id,
      password: smoke.secret,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const ts = Date.now();
    // publishAsync resolves on PUBACK, which the broker sends only once the reading is stored.
    await device.publishAsync(
      `gs/v1/${smoke.gridId}/${smoke.id}/telemetry`,
      JSON.stringify({ ts, seq: 1, metrics: { smoke: 14.5, temperature: 31, battery: 90 } }),
      { qos: 1 },
    );
    await device.endAsync();

    const view = await pushed;
    expect(view).toMatchObject({
      gridId: 'G01',
      state: 'dispatched',
      assigneeId: 'u-worker01',
      severity: 'critical',
      category: 'fire_safety',
      source: 'auto',
      riskActive: true,
    });
    expect(view.acceptDueAt).toBeGreaterThan(view.openedAt);

    const health = await worker.call<DeviceView>('GET', `/api/devices/${smoke.id}`);
    expect(health.status).toBe(200);
    expect(health.body.latest.smoke).toMatchObject({ ts, value: 14.5 });

    const accepted = await worker.call<CaseView>('POST', `/api/cases/${view.id}/actions`, {
      action: 'accept',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('accepted');

    const withoutPhoto = await worker.call<{ error: { code: string } }>(
      'POST',
      `/api/cases/${view.id}/actions`,
      {
        action: 'resolve',
        note: '现场排查：厨房油烟触发，已通风',
      },
    );
    expect(withoutPhoto.status).toBe(400);
    expect(withoutPhoto.body.error.code).toBe('validation_failed');

    const photo = await worker.call<{ url: string }>('POST', '/api/photos', PNG);
    expect(photo.status).toBe(201);
    const resolved = await worker.call<CaseView>('POST', `/api/cases/${view.id}/actions`, {
      action: 'resolve',
      note: '现场排查：厨房油烟触发，已通风',
      photos: [photo.body.url],
    });
    expect(resolved.body.state).toBe('resolved');

    const operator = await env.login('op1');
    const detail = await operator.call<CaseDetailView>('GET', `/api/cases/${view.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.case.state).toBe('resolved');
    expect(detail.body.timeline.map((e) => e.action)).toEqual([
      'report',
      'register',
      'dispatch',
      'accept',
      'resolve',
    ]);
    expect(detail.body.timeline.at(-1)).toMatchObject({
      actorId: 'u-worker01',
      note: '现场排查：厨房油烟触发，已通风',
    });
    expect(detail.body.timeline[0]!.data).toMatchObject({ metric: 'smoke', value: 14.5 });

    // The worker of another grid neither received nor can read the case.
    expect(leaked.filter((v) => v.id === view.id)).toEqual([]);
    const otherList = await otherWorker.call<CaseView[]>('GET', '/api/cases?scope=all');
    expect(otherList.body.map((c) => c.id)).not.toContain(view.id);
    expect((await otherWorker.call('GET', `/api/cases/${view.id}`)).status).toBe(404);
    expect((await operator.call<CaseView[]>('GET', '/api/cases?scope=all')).body.map((c) => c.id)).toContain(
      view.id,
    );
  });

  it('refuses a wrong secret at CONNECT and a publish under another device', async () => {
    const [first, second] = env.devices.filter((d) => d.gridId === 'G02');
    await expect(
      mqtt.connectAsync(env.mqttUrl, {
        clientId: first!.id,
        username: first!.id,
        password: 'wrong',
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/Bad username or password/i);

    const client = await mqtt.connectAsync(env.mqttUrl, {
      clientId: first!.id,
      username: first!.id,
      password: first!.secret,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`gs/v1/G02/${second!.id}/telemetry`, JSON.stringify({ metrics: { smoke: 50 } }), {
      qos: 1,
    });
    await closed;
    const operator = await env.login('op1');
    const cases = await operator.call<CaseView[]>('GET', '/api/cases?scope=all');
    expect(cases.body.some((c) => c.deviceId === second!.id)).toBe(false);
  });

  it('acknowledges a malformed reading, stores nothing and counts it on the device', async () => {
    const gas = env.devices.find((d) => d.type === 'gas_detector')!;
    const device = await mqtt.connectAsync(env.mqttUrl, {
      clientId: gas.id,
      username: gas.id,
      password: gas.secret,
      reconnectPeriod: 0,
    });
    const topic = `gs/v1/${gas.gridId}/${gas.id}/telemetry`;
    await device.publishAsync(topic, '{"metrics": {"gas_lel": 40', { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ metrics: { gas_lel: 400 } }), { qos: 1 });
    expect(device.connected).toBe(true);
    await device.endAsync();
    await env.platform.ingest.flush();

    const operator = await env.login('op1');
    const gridCases = await operator.call<CaseView[]>('GET', '/api/cases?scope=all');
    expect(gridCases.body.some((c) => c.deviceId === gas.id)).toBe(false);
    expect(env.platform.ingest.counters().rejected).toBeGreaterThanOrEqual(2);
    const health = await operator.call<DeviceView & { rejects: { reason: string; count: number }[] }>(
      'GET',
      `/api/devices/${gas.id}`,
    );
    expect(health.body.latest).toEqual({});
    await expect
      .poll(async () => {
        const r = await operator.call<{ rejects: { reason: string; count: number }[] }>(
          'GET',
          `/api/devices/${gas.id}`,
        );
        return r.body.rejects.map((x) => `${x.reason}:${x.count}`).sort();
      })
      .toEqual(['bad_json:1', 'out_of_range:1']);
  });
});
