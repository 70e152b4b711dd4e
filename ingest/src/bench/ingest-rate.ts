/**
 * Sustained ingest rate into a real InfluxDB, and where the time goes.
 *
 *   npx tsx ingest/src/bench/ingest-rate.ts --influx http://127.0.0.1:8086 [--seconds 8] [--devices 40] [--in-flight 50]
 *
 * Phase 1 writes batches of 5,000 points straight to the store (the ceiling InfluxDB and the client
 * allow). Phase 2 runs the whole platform in this process (embedded aedes, ingest hook, group
 * commit) with MQTT devices publishing QoS 1 readings as fast as PUBACKs come back; a reading
 * counts once acknowledged, i.e. durable. The devices run in this process too, so they share its
 * CPU with the broker and ingest. Keep runs short on shared machines.
 */
import { parseConfig } from '@gridsense/core';
import { createLogger, type DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPlatform } from '../../../platform';
import { metricsRegistry } from '../ingest-metrics';
import { createInfluxStore } from '../timeseries';

const { values: args } = parseArgs({
  options: {
    influx: { type: 'string' },
    seconds: { type: 'string', default: '8' },
    devices: { type: 'string', default: '40' },
    'in-flight': { type: 'string', default: '50' },
  },
});
if (!args.influx) throw new Error('--influx URL is required (a running InfluxDB)');
const seconds = Number(args.seconds);
const deviceCount = Number(args.devices);
const inFlight = Number(args['in-flight']);
const database = `bench_${Date.now()}`;

async function storeCeiling(): Promise<number> {
  const store = await createInfluxStore({ url: args.influx!, database });
  const batch = (n: number) =>
    Array.from({ length: 5000 }, (_, i) => ({
      deviceId: `d${i % 100}`,
      gridId: 'G01',
      deviceType: 'smoke_detector',
      ts: Date.UTC(2024, 0, 1) + n * 5000 + i,
      seq: n * 5000 + i,
      metrics: { battery: 80, smoke: 1 },
    }));
  const end = Date.now() + (seconds * 1000) / 2;
  let points = 0;
  const started = performance.now();
  for (let n = 0; Date.now() < end; n++) {
    await store.writeReadings(batch(n));
    points += 5000;
  }
  const rate = points / ((performance.now() - started) / 1000);
  await store.close();
  return rate;
}

/** Sum and count of a histogram in the shared registry. */
async function histogram(name: string): Promise<{ sum: number; count: number }> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { metricName?: string; value: number }[];
  const pick = (suffix: string) =>
    values.filter((v) => v.metricName === `${name}_${suffix}`).reduce((total, v) => total + v.value, 0);
  return { sum: pick('sum'), count: pick('count') };
}

async function platformRate(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gridsense-bench-'));
  const parsed = parseConfig({
    GRIDSENSE_DATA_DIR: dataDir,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    GRIDSENSE_SIMULATOR: 'off',
    GRIDSENSE_NODE_RED: 'off',
    GRIDSENSE_DEMO_PASSWORD: 'bench-password',
    INFLUX_URL: args.influx,
    INFLUX_DATABASE: database,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const platform = await startPlatform(parsed.config, { logger: createLogger({ level: 'warn' }) });
  const devices = (
    JSON.parse(await readFile(join(dataDir, 'demo-devices.json'), 'utf8')) as DeviceCredential[]
  )
    .filter((d) => d.type === 'smoke_detector' || d.type === 'gas_detector' || d.type === 'noise')
    .slice(0, deviceCount);
  const metricOf: Record<string, Record<string, number>> = {
    smoke_detector: { battery: 80 },
    gas_detector: { gas_lel: 2 },
    noise: { noise_db: 50 },
  };
  const clients = await Promise.all(
    devices.map((d) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${platform.mqttPort}`, {
        clientId: d.id,
        username: d.id,
        password: d.secret,
        clean: false,
        reconnectPeriod: 0,
      }),
    ),
  );
  let acked = 0;
  let running = true;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  clients.forEach((client, index) => {
    const device = devices[index]!;
    const topic = `gs/v1/${device.gridId}/${device.id}/telemetry`;
    let seq = 0;
    const publish = () => {
      if (!running) return;
      const body = JSON.stringify({ seq: ++seq, metrics: metricOf[device.type] });
      client.publish(topic, body, { qos: 1 }, (error) => {
        if (!error) acked++;
        publish();
      });
    };
    for (let i = 0; i < inFlight; i++) publish();
  });
  await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 2));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await platform.ingest.flush();
  const writes = await histogram('gridsense_store_write_seconds');
  const batches = await histogram('gridsense_ingest_batch_size');
  const puback = await histogram('gridsense_puback_delay_seconds');
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await platform.close();
  await rm(dataDir, { recursive: true, force: true });

  const rate = acked / elapsed;
  console.log(`platform (MQTT → aedes → ingest → InfluxDB): ${Math.round(rate)} acknowledged readings/s`);
  console.log(`  ${devices.length} devices × ${inFlight} in flight, ${elapsed.toFixed(1)} s`);
  console.log(
    `  group commits: ${batches.count}, mean ${Math.round(batches.sum / batches.count)} readings each`,
  );
  console.log(
    `  store writes: mean ${((writes.sum / writes.count) * 1000).toFixed(1)} ms, busy ${((writes.sum / elapsed) * 100).toFixed(0)} % of the time`,
  );
  console.log(`  PUBACK delay: mean ${((puback.sum / puback.count) * 1000).toFixed(1)} ms`);
  console.log(
    `  this process CPU: ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)} % of one core (devices + broker + ingest)`,
  );
}

const ceiling = await storeCeiling();
console.log(`store only (5,000-point batches, one writer): ${Math.round(ceiling)} points/s`);
await platformRate();
await fetch(`${args.influx}/query`, {
  method: 'POST',
  body: new URLSearchParams({ q: `DROP DATABASE "${database}"` }),
});
