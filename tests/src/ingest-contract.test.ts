import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

interface DeviceBody {
  online: boolean;
  lastSeenAt: number | null;
  latest: Record<string, { ts: number; value: number | boolean }>;
  rejects: { reason: string; count: number; lastDetail: string; lastPayload: string | null }[];
  health: {
    totals: { messages: number; readings: number; rejects: number; duplicates: number };
    rates: { readingsPerMin: { m1: number }; rejectsPerMin: { m1: number } };
    seq: {
      telemetry: { lastSeq: number; gaps: number; duplicates: number } | null;
      event: { lastSeq: number; gaps: number; duplicates: number } | null;
    };
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the device contract through the embedded broker', () => {
  let env: TestPlatform;
  let operator: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform();
    operator = await env.login('op1');
  });
  afterAll(async () => {
    await env?.stop();
  });

  const connect = (
    device: { id: string; secret: string },
    extra: mqtt.IClientOptions = {},
  ): Promise<MqttClient> =>
    mqtt.connectAsync(env.mqttUrl, {
      clientId: device.id,
      username: device.id,
      password: device.secret,
      clean: false,
      reconnectPeriod: 0,
      ...extra,
    });
  const health = async (id: string) => (await operator.call<DeviceBody>('GET', `/api/devices/${id}`)).body;
  /** Device health is saved about once a second; wait for what we expect to show. */
  const healthWhen = async (id: string, ready: (body: DeviceBody) => boolean): Promise<DeviceBody> => {
    for (let i = 0; i < 50; i++) {
      const body = await health(id);
      if (ready(body)) return body;
      await sleep(100);
    }
    return health(id);
  };

  it('stores a repeated seq once, counts gaps, and shows both in device health', async () => {
    const device = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G03')!;
    const client = await connect(device);
    const topic = `gs/v1/${device.gridId}/${device.id}/telemetry`;
    const send = (body: unknown) => client.publishAsync(topic, JSON.stringify(body), { qos: 1 });
    // No ts: each copy would get its own receive time; the seq alone identifies the repeat.
    for (const seq of [1, 2, 3]) await send({ seq, metrics: { battery: 90 - seq } });
    await send({ seq: 2, metrics: { battery: 88 } });
    await send({
      readings: [
        { seq: 7, metrics: { battery: 80 } },
        { seq: 3, metrics: { battery: 87 } },
      ],
    });
    await send({ seq: 5, metrics: { battery: 85 } });
    await client.endAsync();

    const body = await healthWhen(
      device.id,
      (b) => b.health.seq.telemetry?.lastSeq === 7 && b.health.totals.messages >= 6,
    );
    expect(body.health.seq.telemetry).toEqual({ lastSeq: 7, gaps: 2, duplicates: 2, stale: 0 });
    expect(body.health.totals).toMatchObject({ messages: 6, readings: 5, duplicates: 2, rejects: 0 });
    expect(body.health.rates.readingsPerMin.m1).toBeGreaterThan(0);
    expect(body.latest.battery).toMatchObject({ value: 85 }); // latest by time: seq 5 arrived last
    expect(env.platform.ingest.counters()).toMatchObject({ duplicates: 2 });
  });

  it.each<[string, string | Buffer, string]>([
    ['bad JSON', '{"metrics": {"gas_lel": 4', 'bad_json'],
    ['out of physical range', JSON.stringify({ metrics: { gas_lel: 101 } }), 'out_of_range'],
    [
      'more than 5 minutes ahead',
      JSON.stringify({ ts: Date.now() + 6 * 60_000, metrics: { gas_lel: 1 } }),
      'future_ts',
    ],
    ['bad metric name', JSON.stringify({ metrics: { 'Gas-LEL': 1 } }), 'bad_metric_name'],
    ['over 16 KiB', JSON.stringify({ metrics: { gas_lel: 1 }, pad: 'x'.repeat(17_000) }), 'too_large'],
    ['bad seq', JSON.stringify({ seq: -1, metrics: { gas_lel: 1 } }), 'bad_seq'],
    [
      'a batch over 500',
      JSON.stringify({ readings: Array.from({ length: 501 }, () => ({ metrics: { gas_lel: 1 } })) }),
      'too_many_readings',
    ],
  ])('acknowledges and counts %s with its payload excerpt', async (_name, payload, reason) => {
    const device = env.devices.find((d) => d.type === 'gas_detector' && d.gridId === 'G04')!;
    const client = await connect(device);
    await client.publishAsync(`gs/v1/${device.gridId}/${device.id}/telemetry`, payload, { qos: 1 });
    expect(client.connected).toBe(true);
    await client.endAsync();

    const body = await healthWhen(device.id, (b) => b.rejects.some((r) => r.reason === reason));
    const tally = body.rejects.find((r) => r.reason === reason);
    expect(tally).toMatchObject({ count: 1 });
    expect(tally?.lastPayload).toBe(
      String(payload).slice(0, 200) + (String(payload).length > 200 ? '…' : ''),
    );
    expect(body.latest).toEqual({});
  });

  it('tracks online/offline from status and the last will', async () => {
    const device = env.devices.find((d) => d.type === 'water_level')!;
    const statusTopic = `gs/v1/${device.gridId}/${device.id}/status`;
    const client = await connect(device, {
      will: { topic: statusTopic, payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    await client.publishAsync(statusTopic, '{"state":"online"}', { qos: 1, retain: true });
    expect((await healthWhen(device.id, (b) => b.online)).online).toBe(true);
    client.stream.destroy(); // no DISCONNECT: the broker publishes the will
    const body = await healthWhen(device.id, (b) => !b.online);
    expect(body.online).toBe(false);
    expect(body.lastSeenAt).toBeGreaterThan(0);
  });

  it('never slows a good device while another floods bad messages', async () => {
    const [good, bad] = env.devices.filter((d) => d.type === 'noise');
    const goodClient = await connect(good!);
    const badClient = await connect(bad!);
    const badTopic = `gs/v1/${bad!.gridId}/${bad!.id}/telemetry`;
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        await Promise.all(
          Array.from({ length: 50 }, () => badClient.publishAsync(badTopic, '{"metrics":', { qos: 1 })),
        );
      }
    })();
    const latencies: number[] = [];
    for (let seq = 1; seq <= 100; seq++) {
      const started = performance.now();
      await goodClient.publishAsync(
        `gs/v1/${good!.gridId}/${good!.id}/telemetry`,
        JSON.stringify({ seq, metrics: { noise_db: 50 } }),
        { qos: 1 },
      );
      latencies.push(performance.now() - started);
    }
    flooding = false;
    await flood;
    await Promise.all([goodClient.endAsync(), badClient.endAsync()]);

    latencies.sort((a, b) => a - b);
    const badBody = await healthWhen(bad!.id, (b) => (b.rejects[0]?.count ?? 0) > 100);
    expect(badBody.rejects[0]?.count).toBeGreaterThan(100);
    // A PUBACK waits for one group commit, not for the bad device's queue.
    expect(latencies[Math.floor(latencies.length * 0.95)]).toBeLessThan(100);
    const goodBody = await healthWhen(good!.id, (b) => b.health.seq.telemetry?.lastSeq === 100);
    expect(goodBody.health.seq.telemetry).toMatchObject({ lastSeq: 100, gaps: 0 });
  });

  it("answers a per-grid series over all the grid's devices, only to people who see the grid", async () => {
    const inGrid = env.devices.filter((d) => d.gridId === 'G05' && d.type === 'smoke_detector');
    expect(inGrid.length).toBeGreaterThanOrEqual(2);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    for (const [i, device] of inGrid.slice(0, 2).entries()) {
      const client = await connect(device);
      await client.publishAsync(
        `gs/v1/G05/${device.id}/telemetry`,
        JSON.stringify({
          readings: [
            { ts: minute + 1000, metrics: { battery: 50 + i * 20 } },
            { ts: minute + 61_000, metrics: { battery: 40 } },
          ],
        }),
        { qos: 1 },
      );
      await client.endAsync();
    }
    const query = `metric=battery&from=${minute}&to=${minute + 119_999}&windowMs=60000`;

    const mean = await operator.call<{ ts: number; value: number }[]>(
      'GET',
      `/api/grids/G05/series?${query}&agg=mean`,
    );
    expect(mean.body).toEqual([
      { ts: minute, value: 60 },
      { ts: minute + 60_000, value: 40 },
    ]);
    const count = await operator.call<{ ts: number; value: number }[]>(
      'GET',
      `/api/grids/G05/series?${query}&agg=count`,
    );
    expect(count.body.map((w) => w.value)).toEqual([2, 2]);
    const outsider = await env.login('worker01'); // G01's worker
    expect((await outsider.call('GET', `/api/grids/G05/series?${query}`)).status).toBe(404);
    expect((await operator.call('GET', `/api/grids/G05/series?metric=battery&windowMs=10`)).status).toBe(400);
  });

  it('serves Prometheus metrics without a login', async () => {
    const response = await fetch(`${env.baseUrl}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const name of [
      'gridsense_ingest_readings_in_total',
      'gridsense_ingest_readings_out_total{path="store"}',
      'gridsense_ingest_rejects_total{reason="bad_json"}',
      'gridsense_store_write_seconds_bucket',
      'gridsense_ingest_batch_size_bucket',
      'gridsense_spool_readings',
      'gridsense_spool_oldest_age_seconds',
      'gridsense_puback_delay_seconds_bucket{le="0.01",path="embedded"}',
      'gridsense_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
  });
});
