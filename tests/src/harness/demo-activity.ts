import type { CaseView } from '@gridsense/core';
import {
  createBehaviourState,
  createRandom,
  deriveSeed,
  isSimulatedType,
  nextTick,
} from '@gridsense/simulators';
import type { DeviceCredential } from '@gridsense/state';
import mqtt, { type MqttClient } from 'mqtt';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiClient } from './test-platform';

/**
 * Makes the demo district look lived-in for console tests: each device's recent history (what the
 * simulator would have sent), then a few risks over MQTT that open cases, as a device would.
 */

async function connectDevice(mqttUrl: string, device: DeviceCredential): Promise<MqttClient> {
  return mqtt.connectAsync(mqttUrl, {
    clientId: device.id,
    username: device.id,
    password: device.secret,
    reconnectPeriod: 0,
  });
}

/** Next free `seq` per device, so later publishes are never mistaken for duplicates. */
export type SeqCounter = Map<string, number>;

/**
 * Every device says it is online; then normal readings every `stepMs` over the last `spanMs`,
 * sent in the contract's catch-up batch form (≤ 500 readings per message). Event-only devices
 * (cameras) send no readings.
 */
export async function publishHistory(
  mqttUrl: string,
  devices: readonly DeviceCredential[],
  options: { now: number; spanMs: number; stepMs: number; seed?: number },
): Promise<SeqCounter> {
  const seqs: SeqCounter = new Map();
  for (let start = 0; start < devices.length; start += 10) {
    await Promise.all(
      devices.slice(start, start + 10).map(async (device) => {
        await publishStatus(mqttUrl, device, 'online');
        const type = device.type;
        if (!isSimulatedType(type) || type === 'camera') return;
        const from = options.now - options.spanMs;
        const random = createRandom(deriveSeed(options.seed ?? 7, device.id));
        let state = createBehaviourState(type, from, random);
        const readings: { ts: number; seq: number; metrics: Record<string, number | boolean> }[] = [];
        for (let ts = from, seq = 1; ts <= options.now; ts += options.stepMs, seq++) {
          const tick = nextTick(type, state, { ts, random, riskProbability: 0 });
          state = tick.state;
          if (tick.metrics) readings.push({ ts, seq, metrics: tick.metrics });
        }
        const client = await connectDevice(mqttUrl, device);
        for (let i = 0; i < readings.length; i += 500) {
          const payload = JSON.stringify({ readings: readings.slice(i, i + 500) });
          await client.publishAsync(`gs/v1/${device.gridId}/${device.id}/telemetry`, payload, { qos: 1 });
        }
        await client.endAsync();
        seqs.set(device.id, readings.length + 1);
      }),
    );
  }
  return seqs;
}

/** The device's retained status message (its last will says "offline" the same way). */
export async function publishStatus(
  mqttUrl: string,
  device: DeviceCredential,
  state: 'online' | 'offline',
): Promise<void> {
  const client = await connectDevice(mqttUrl, device);
  await client.publishAsync(`gs/v1/${device.gridId}/${device.id}/status`, JSON.stringify({ state }), {
    qos: 1,
    retain: true,
  });
  await client.endAsync();
}

/** One reading now, as a device would send it (QoS 1: stored once this resolves). */
export async function publishReading(
  mqttUrl: string,
  device: DeviceCredential,
  seqs: SeqCounter,
  metrics: Record<string, number | boolean>,
  ts = Date.now(),
): Promise<void> {
  const seq = seqs.get(device.id) ?? 1;
  seqs.set(device.id, seq + 1);
  const client = await connectDevice(mqttUrl, device);
  await client.publishAsync(
    `gs/v1/${device.gridId}/${device.id}/telemetry`,
    JSON.stringify({ ts, seq, metrics }),
    { qos: 1 },
  );
  await client.endAsync();
}

export async function publishEvent(
  mqttUrl: string,
  device: DeviceCredential,
  seqs: SeqCounter,
  event: { type: string; confidence: number; snapshot?: string },
): Promise<void> {
  const seq = seqs.get(device.id) ?? 1;
  seqs.set(device.id, seq + 1);
  const client = await connectDevice(mqttUrl, device);
  await client.publishAsync(
    `gs/v1/${device.gridId}/${device.id}/event`,
    JSON.stringify({ ts: Date.now(), seq, ...event }),
    { qos: 1 },
  );
  await client.endAsync();
}

/** Polls the case list until `count` open cases exist (cases open asynchronously after the PUBACK). */
export async function waitForOpenCases(
  api: ApiClient,
  count: number,
  timeoutMs = 15_000,
): Promise<CaseView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.call<CaseView[]>('GET', '/api/cases?scope=open');
    if (body.length >= count) return body;
    if (Date.now() > deadline) throw new Error(`expected ${count} open cases, have ${body.length}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Resolves once ingest has saved at least `count` rejects for the device (saves run ~1 s behind). */
export async function waitForDeviceRejects(
  api: ApiClient,
  deviceId: string,
  count: number,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.call<{ health: { totals: { rejects: number } } }>(
      'GET',
      `/api/devices/${deviceId}`,
    );
    if (body.health.totals.rejects >= count) return;
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} rejects saved for ${deviceId}, have ${body.health.totals.rejects}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A camera's own image server on loopback, serving one drawn "frame" as SVG. */
export async function startSnapshotServer(): Promise<{ url: string; close(): Promise<void> }> {
  const frame = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<rect width="640" height="360" fill="#2b3440"/><rect y="250" width="640" height="110" fill="#3d4650"/>
<rect x="60" y="90" width="200" height="160" fill="#56606b"/><rect x="330" y="60" width="240" height="190" fill="#4a545f"/>
<ellipse cx="400" cy="120" rx="90" ry="60" fill="#9aa3ab" opacity="0.75"/><ellipse cx="440" cy="80" rx="70" ry="45" fill="#b7bec4" opacity="0.6"/>
<path d="M380 250 q20 -70 35 -30 q10 -50 30 -10 q15 -40 25 40 z" fill="#ff7a1a"/>
<rect x="12" y="12" width="250" height="28" fill="#000" opacity="0.5"/>
<text x="20" y="32" fill="#fff" font-family="monospace" font-size="16">CAM-G02 2026-11-22 08:15:00</text>
<rect x="360" y="150" width="130" height="110" fill="none" stroke="#ff3b30" stroke-width="3"/>
<text x="364" y="145" fill="#ff3b30" font-family="sans-serif" font-size="14">fire_smoke 0.93</text></svg>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/svg+xml' }).end(frame);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/snap/7.svg`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
