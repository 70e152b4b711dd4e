import { createServer, type AddressInfo, type Server } from 'node:net';
import { decodeEvent, decodeTelemetry, deviceTopic, parseDeviceTopic } from '@gridsense/core';
import type { Aedes, AuthenticateError, ConnectPacket } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulation, type SimulatedDevice, type Simulation } from './device-simulator';
import { parseScenario } from './scenario';

const GRID = 'grid-a';
const DEVICES: SimulatedDevice[] = [
  { id: 'smoke-1', gridId: GRID, type: 'smoke_detector', secret: 's-smoke' },
  { id: 'gas-1', gridId: GRID, type: 'gas_detector', secret: 's-gas' },
  { id: 'water-1', gridId: GRID, type: 'water_level', secret: 's-water' },
  { id: 'lift-1', gridId: GRID, type: 'elevator', secret: 's-lift' },
  { id: 'cam-1', gridId: GRID, type: 'camera', secret: 's-cam' },
];
const MONITOR = { id: 'monitor', secret: 's-monitor' };
const SECRETS = new Map([
  ...DEVICES.map((d): [string, string] => [d.id, d.secret]),
  [MONITOR.id, MONITOR.secret],
]);

interface Seen {
  topic: string;
  body: Record<string, unknown>;
  payload: Buffer;
  qos: number;
  retain: boolean;
  clientId: string;
}

let broker: Aedes;
let server: Server;
let url: string;
const seen: Seen[] = [];
const connects: ConnectPacket[] = [];
let simulation: Simulation | undefined;

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const of = (deviceId: string, kind: string): Seen[] =>
  seen.filter((message) => message.topic === deviceTopic(GRID, deviceId, kind as 'telemetry'));

/** Retained messages as a fresh subscriber sees them. */
async function readRetainedStatuses(): Promise<Map<string, string>> {
  const client = await mqtt.connectAsync(url, {
    clientId: MONITOR.id,
    username: MONITOR.id,
    password: MONITOR.secret,
  });
  const statuses = new Map<string, string>();
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) statuses.set(topic, payload.toString());
  });
  await client.subscribeAsync(`gs/v1/${GRID}/+/status`, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await client.endAsync();
  return statuses;
}

beforeAll(async () => {
  const { Aedes } = await import('aedes');
  broker = await Aedes.createBroker({
    preConnect: (_client, packet, done) => {
      connects.push(packet);
      done(null, true);
    },
    authenticate: (client, username, password, done) => {
      const ok = username === client.id && SECRETS.get(client.id) === password?.toString();
      if (ok) return done(null, true);
      done(
        Object.assign(new Error('bad user name or password'), { returnCode: 4 }) as AuthenticateError,
        false,
      );
    },
  });
  broker.on('publish', (packet, client) => {
    if (!client || !parseDeviceTopic(packet.topic)) return;
    const payload = Buffer.from(packet.payload);
    const body = JSON.parse(payload.toString()) as Record<string, unknown>;
    seen.push({
      topic: packet.topic,
      body,
      payload,
      qos: packet.qos,
      retain: packet.retain,
      clientId: client.id,
    });
  });
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await simulation?.stop();
  simulation = undefined;
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('device simulator', () => {
  it('publishes per the device contract, with acks, increasing seq and status', async () => {
    const startedAt = Date.now();
    const sim = startSimulation({ url, devices: DEVICES, intervalMs: 100, riskProbability: 0, seed: 1 });
    simulation = sim;
    await waitFor('all devices connected', () => sim.stats().connected === DEVICES.length);
    await waitFor('6 readings per device', () =>
      DEVICES.slice(0, 4).every((d) => of(d.id, 'telemetry').length >= 6),
    );

    const deviceConnects = connects.filter((p) => p.clientId !== MONITOR.id);
    expect(new Set(deviceConnects.map((p) => p.clientId)).size).toBe(DEVICES.length);
    for (const packet of deviceConnects) {
      expect(packet).toMatchObject({ clean: false, protocolVersion: 4, username: packet.clientId });
      expect(packet.will).toMatchObject({ qos: 1, retain: true });
      expect(packet.will?.topic).toBe(deviceTopic(GRID, packet.clientId, 'status'));
      expect(String(packet.will?.payload)).toBe('{"state":"offline"}');
    }
    for (const device of DEVICES.slice(0, 4)) {
      const readings = of(device.id, 'telemetry');
      const identity = { deviceId: device.id, gridId: GRID, deviceType: device.type };
      for (const reading of readings) {
        expect(reading).toMatchObject({ qos: 1, retain: false, clientId: device.id });
        expect(Object.keys(reading.body).sort()).toEqual(['metrics', 'seq', 'ts']);
        expect(decodeTelemetry(reading.payload, identity, Date.now())).toMatchObject({ ok: true });
      }
      const seqs = readings.map((reading) => Number(reading.body.seq));
      expect(seqs[0]).toBeGreaterThanOrEqual(startedAt);
      expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));
    }
    expect(of('cam-1', 'telemetry')).toEqual([]);
    expect(of('cam-1', 'event')).toEqual([]); // no incidents with riskProbability 0

    const statuses = await readRetainedStatuses();
    for (const device of DEVICES) {
      expect(statuses.get(deviceTopic(GRID, device.id, 'status'))).toBe('{"state":"online"}');
    }
    await waitFor('all acked', () => sim.stats().acked === sim.stats().sent);
    expect(sim.stats()).toMatchObject({ errors: 0, connected: DEVICES.length });
    expect(sim.stats().sent).toBeGreaterThanOrEqual(24);
  });

  it('keeps a camera (nothing to measure) reporting: its online status again every heartbeat', async () => {
    const from = seen.length;
    const statuses = (deviceId: string) =>
      seen.slice(from).filter((message) => message.topic === deviceTopic(GRID, deviceId, 'status'));
    const sim = startSimulation({
      url,
      devices: DEVICES,
      intervalMs: 100,
      riskProbability: 0,
      seed: 4,
      heartbeatMs: 150,
    });
    simulation = sim;
    await waitFor('three camera heartbeats after its connect', () => statuses('cam-1').length >= 4);
    for (const status of statuses('cam-1'))
      expect(status).toMatchObject({ qos: 1, retain: true, body: { state: 'online' } });
    // Devices with telemetry report by it: their status is said once, at connect.
    expect(statuses('smoke-1')).toHaveLength(1);
    await sim.stop();
    simulation = undefined;
    // Stopped: offline is the last word, no heartbeat after it.
    const after = statuses('cam-1').length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(statuses('cam-1')).toHaveLength(after);
    expect(statuses('cam-1').at(-1)?.body).toEqual({ state: 'offline' });
  });

  it('triggerRisk yields an incident on the next tick', async () => {
    const sim = startSimulation({ url, devices: DEVICES, intervalMs: 100, riskProbability: 0, seed: 2 });
    simulation = sim;
    await waitFor('all devices connected', () => sim.stats().connected === DEVICES.length);
    const before = of('smoke-1', 'telemetry').length;
    sim.triggerRisk('smoke-1');
    sim.triggerRisk('cam-1');
    expect(() => sim.triggerRisk('nope')).toThrow(/unknown device/);

    // A reading already in flight when triggerRisk was called may land first, hence "within two".
    const smoke = (message: Seen): number => Number((message.body.metrics as Record<string, number>).smoke);
    await waitFor('two more readings', () => of('smoke-1', 'telemetry').length >= before + 2);
    expect(
      of('smoke-1', 'telemetry')
        .slice(before, before + 2)
        .map(smoke)
        .some((value) => value >= 8),
    ).toBe(true);

    await waitFor('a camera event', () => of('cam-1', 'event').length > 0);
    const [event] = of('cam-1', 'event');
    expect(event).toMatchObject({ qos: 1, clientId: 'cam-1' });
    expect(Object.keys(event?.body ?? {}).sort()).toEqual(['confidence', 'seq', 'ts', 'type']);
    const identity = { deviceId: 'cam-1', gridId: GRID, deviceType: 'camera' };
    const decoded = decodeEvent(event?.payload ?? Buffer.alloc(0), identity, Date.now());
    expect(decoded.ok && decoded.value.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('stop() publishes offline status and disconnects every device', async () => {
    const sim = startSimulation({ url, devices: DEVICES, intervalMs: 100, seed: 3 });
    await waitFor('all devices connected', () => sim.stats().connected === DEVICES.length);
    await sim.stop();
    expect(sim.stats().connected).toBe(0);
    await waitFor('devices gone from the broker', () => broker.connectedClients === 0);
    const statuses = await readRetainedStatuses();
    for (const device of DEVICES) {
      expect(statuses.get(deviceTopic(GRID, device.id, 'status'))).toBe('{"state":"offline"}');
    }
  });

  it('plays a scenario: an outage fires the last will, then one batch carries every buffered reading', async () => {
    const parsed = parseScenario({
      name: 'outage',
      interval: '100ms',
      duration: '2s',
      devices: { devices: ['smoke-1', 'water-1'] },
      steps: [{ at: '400ms', do: 'offline', target: { devices: ['smoke-1'] }, for: '800ms' }],
    });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const wills: string[] = [];
    const onWill = (packet: { topic: string; payload: Buffer | string }) => {
      if (packet.topic === deviceTopic(GRID, 'smoke-1', 'status')) wills.push(String(packet.payload));
    };
    broker.on('publish', onWill);
    const earlier = seen.length; // other tests' messages stay in `seen`
    const sim = startSimulation({ url, devices: DEVICES, scenario: parsed.scenario, seed: 5 });
    simulation = sim;
    await sim.done;
    await waitFor('all acked', () => sim.stats().acked === sim.stats().sent);
    broker.off('publish', onWill);

    expect(wills).toEqual(['{"state":"online"}', '{"state":"offline"}', '{"state":"online"}']);
    const mine = (deviceId: string) => of(deviceId, 'telemetry').filter((m) => seen.indexOf(m) >= earlier);
    const readings = mine('smoke-1');
    const batch = readings.find((m) => Array.isArray(m.body.readings));
    expect((batch?.body.readings as unknown[]).length).toBeGreaterThanOrEqual(7);
    const seqs = readings.flatMap((m) =>
      Array.isArray(m.body.readings)
        ? (m.body.readings as { seq: number }[]).map((r) => r.seq)
        : [Number(m.body.seq)],
    );
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));
    expect(seqs.length).toBeGreaterThanOrEqual(18); // ~20 ticks in 2 s, none lost
    expect(mine('gas-1')).toEqual([]); // not in the scenario's devices
    expect(sim.stats()).toMatchObject({ errors: 0, readings: seqs.length + mine('water-1').length });
  });

  it('counts a refused device as an error and never connects it', async () => {
    const wrong = [{ ...DEVICES[0], secret: 'wrong' } as SimulatedDevice];
    const sim = startSimulation({ url, devices: wrong, intervalMs: 100 });
    simulation = sim;
    await waitFor('an error', () => sim.stats().errors > 0);
    expect(sim.stats()).toMatchObject({ connected: 0, sent: 0 });
  });

  it('rejects bad options up front', () => {
    expect(() => startSimulation({ url: 'http://x', devices: [] })).toThrow(/url/);
    const unknown = [{ ...DEVICES[0], type: 'toaster' } as SimulatedDevice];
    expect(() => startSimulation({ url, devices: unknown })).toThrow(/toaster/);
    expect(() => startSimulation({ url, devices: [DEVICES[0], DEVICES[0]] as SimulatedDevice[] })).toThrow(
      /duplicate/,
    );
  });
});
