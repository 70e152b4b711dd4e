import { SERVICE_USERNAME } from '@gridsense/broker';
import type { RiskSignal } from '@gridsense/core';
import { Redis } from 'ioredis';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startBrokerNode,
  startBrokerNodeProcess,
  type BrokerNode,
  type BrokerNodeProcess,
  type DeviceTable,
} from './harness/broker-node';
import { redisTestMode, startRedis, type RedisInstance } from './harness/redis-server';

const SERVICE_SECRET = 'service-secret-for-the-cluster-test';
const TELEMETRY = 'gs/v1/G01/DEV-1/telemetry';
/** A topic under the device's own prefix that services publish to (commands, configuration). */
const COMMANDS = 'gs/v1/G01/DEV-1/cmd';

/**
 * Embedded broker nodes sharing a real Redis (REDIS_URL): ingest stays with the node a device is
 * on, sessions and queued messages survive the death of a node, and a revocation made through any
 * node ends the device's session wherever it is.
 */
describe.runIf(redisTestMode() === 'run')('broker nodes on Redis', () => {
  let redis: RedisInstance;
  let devices: DeviceTable;
  const nodes: BrokerNode[] = [];
  const processes: BrokerNodeProcess[] = [];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    // Each test starts without the sessions an earlier one left in Redis.
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await Promise.all(processes.splice(0).map((node) => node.kill()));
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });

  const startNode = async (nodeId: string) => {
    const node = await startBrokerNode({
      redisUrl: redis.url,
      nodeId,
      devices: () => devices,
      serviceSecret: SERVICE_SECRET,
    });
    nodes.push(node);
    return node;
  };
  const connect = async (url: string, options: IClientOptions) => {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, ...options });
    clients.push(client);
    return client;
  };
  const connectDevice = (url: string, secret = 'secret-1') =>
    connect(url, { clientId: 'DEV-1', username: 'DEV-1', password: secret, clean: false });
  const connectService = (url: string) =>
    connect(url, {
      clientId: 'gridsense-test-commands',
      username: SERVICE_USERNAME,
      password: SERVICE_SECRET,
    });
  const received = (client: MqttClient) => {
    const messages: string[] = [];
    client.on('message', (_topic, payload) => messages.push(payload.toString()));
    return messages;
  };
  const reading = (seq: number) => JSON.stringify({ seq, metrics: { smoke: 0.01 } });

  const freshDevices = (): DeviceTable => new Map([['DEV-1', { secret: 'secret-1', gridId: 'G01' }]]);

  it('hands a reading to the ingest of the node the device is connected to, and only to it', async () => {
    devices = freshDevices();
    const [one, two] = [await startNode('node-1'), await startNode('node-2')];
    const liveOnTwo: string[] = [];
    await two.bus.subscribeTopic('gs/v1/+/+/telemetry', (_topic, payload) => {
      liveOnTwo.push(Buffer.from(payload).toString());
    });

    const device = await connectDevice(one.url);
    for (const seq of [1, 2, 3]) await device.publishAsync(TELEMETRY, reading(seq), { qos: 1 });

    expect(one.ingested).toEqual(['telemetry 1', 'telemetry 2', 'telemetry 3']);
    // The reading itself reaches the other node's subscribers (live views), not its ingest.
    await expect.poll(() => liveOnTwo.length).toBe(3);
    expect(two.ingested).toEqual([]);
  });

  it("draws a grid's traffic from the other nodes only while a subscription to it lasts", async () => {
    devices = freshDevices();
    const [one, two] = [await startNode('node-1'), await startNode('node-2')];
    const admin = new Redis(redis.url);
    try {
      const patterns = async () => Number(await admin.call('PUBSUB', 'NUMPAT'));
      const before = await patterns();
      const liveOnTwo: string[] = [];
      const stop = await two.bus.subscribeTopic('gs/v1/G01/+/telemetry', (_topic, payload) => {
        liveOnTwo.push(Buffer.from(payload).toString());
      });
      expect(await patterns()).toBeGreaterThan(before);

      const device = await connectDevice(one.url);
      await device.publishAsync(TELEMETRY, reading(1), { qos: 1 });
      await expect.poll(() => liveOnTwo.length).toBe(1);

      await stop();
      // Node two no longer listens on Redis for it, so the traffic does not even reach it.
      expect(await patterns()).toBe(before);
      for (const seq of [2, 3]) await device.publishAsync(TELEMETRY, reading(seq), { qos: 1 });
      expect(one.ingested).toEqual(['telemetry 1', 'telemetry 2', 'telemetry 3']);
      expect(liveOnTwo).toEqual([reading(1)]);
    } finally {
      admin.disconnect();
    }
  });

  it('ends the first connection when the device connects to another node (one session per device)', async () => {
    devices = freshDevices();
    const [one, two] = [await startNode('node-1'), await startNode('node-2')];
    const first = await connectDevice(one.url);
    const second = await connectDevice(two.url);

    await expect.poll(() => first.connected).toBe(false);
    expect(second.connected).toBe(true);
    await second.publishAsync(TELEMETRY, reading(7), { qos: 1 });
    expect(two.ingested).toEqual(['telemetry 7']);
    expect(one.ingested).toEqual([]);
  });

  it('keeps a clean=false session through the death of its node: subscriptions and queued QoS 1 commands', async () => {
    devices = freshDevices();
    const dying = await startBrokerNodeProcess({
      redisUrl: redis.url,
      nodeId: 'node-1',
      devices,
      serviceSecret: SERVICE_SECRET,
    });
    processes.push(dying);
    const survivor = await startNode('node-2');

    const before = await connectDevice(dying.url);
    await before.subscribeAsync(COMMANDS, { qos: 1 });
    await dying.kill();
    await expect.poll(() => before.connected).toBe(false);

    // While the device is away: a command through the surviving node waits in its session.
    const service = await connectService(survivor.url);
    await service.publishAsync(COMMANDS, 'close-valve', { qos: 1 });

    // Listening before CONNECT: the queued command follows the CONNACK at once.
    const after = mqtt.connect(survivor.url, {
      clientId: 'DEV-1',
      username: 'DEV-1',
      password: 'secret-1',
      clean: false,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    clients.push(after);
    const commands = received(after);
    const connack = new Promise<boolean>((resolve, reject) => {
      after.once('connect', (packet) => resolve(packet.sessionPresent));
      after.once('close', () => reject(new Error('closed before CONNACK')));
    });
    expect(await connack).toBe(true);
    await expect.poll(() => commands).toEqual(['close-valve']);

    // The subscription made on the dead node still holds: a new command arrives live.
    await service.publishAsync(COMMANDS, 'open-valve', { qos: 1 });
    await expect.poll(() => commands).toEqual(['close-valve', 'open-valve']);
  });

  it('publishes a dead node’s wills from another node, except for a device already back on one', async () => {
    devices = new Map([...freshDevices(), ['DEV-2', { secret: 'secret-2', gridId: 'G01' }]]);
    // Fast heartbeats: a node silent for three is dead, and wills are cleared every four.
    const heartbeatIntervalMs = 300;
    const dying = await startBrokerNodeProcess({
      redisUrl: redis.url,
      nodeId: 'node-1',
      devices,
      serviceSecret: SERVICE_SECRET,
      heartbeatIntervalMs,
    });
    processes.push(dying);
    const survivor = await startBrokerNode({
      redisUrl: redis.url,
      nodeId: 'node-2',
      devices: () => devices,
      serviceSecret: SERVICE_SECRET,
      heartbeatIntervalMs,
    });
    nodes.push(survivor);
    const withWill = (id: string, secret: string): IClientOptions => ({
      clientId: id,
      username: id,
      password: secret,
      clean: false,
      will: {
        topic: `gs/v1/G01/${id}/status`,
        payload: Buffer.from('{"state":"offline"}'),
        qos: 1,
        retain: true,
      },
    });
    const returning = await connect(dying.url, withWill('DEV-1', 'secret-1'));
    const gone = await connect(dying.url, withWill('DEV-2', 'secret-2'));
    await dying.kill();
    await expect.poll(() => returning.connected || gone.connected).toBe(false);

    await connect(survivor.url, withWill('DEV-1', 'secret-1'));

    await expect.poll(() => survivor.statuses, { timeout: 20_000 }).toContain('DEV-2 offline');
    // One more round of clearing wills: DEV-1's stays unpublished, it is online on node 2.
    await new Promise((resolve) => setTimeout(resolve, heartbeatIntervalMs * 5));
    expect(survivor.statuses).toEqual(['DEV-2 offline']);
  });

  it('ends a session on one node when the device is disabled through another', async () => {
    devices = freshDevices();
    const [one, two] = [await startNode('node-1'), await startNode('node-2')];
    const device = await connectDevice(two.url);

    // What the web service does on node 1: change the registry, then announce it on its bus.
    devices = new Map();
    await one.bus.publish('device.access_changed', { deviceId: 'DEV-1', change: 'disabled', at: Date.now() });

    await expect.poll(() => device.connected).toBe(false);
    expect(two.closed).toEqual(['DEV-1']);
    expect(one.closed).toEqual([]);
    await expect(connectDevice(two.url)).rejects.toThrow(/Bad username or password/i);
    await expect(connectDevice(one.url)).rejects.toThrow(/Bad username or password/i);
  });

  it('ends a session on one node when the secret is rotated through another; the new secret connects', async () => {
    devices = freshDevices();
    const [one, two] = [await startNode('node-1'), await startNode('node-2')];
    const device = await connectDevice(two.url);

    devices = new Map([['DEV-1', { secret: 'secret-1b', gridId: 'G01' }]]);
    await one.bus.publish('device.access_changed', {
      deviceId: 'DEV-1',
      change: 'secret_rotated',
      at: Date.now(),
    });

    await expect.poll(() => device.connected).toBe(false);
    await expect(connectDevice(two.url)).rejects.toThrow(/Bad username or password/i);
    expect((await connectDevice(one.url, 'secret-1b')).connected).toBe(true);
  });
});

describe.runIf(redisTestMode() === 'run')('the bus of broker nodes on Redis', () => {
  let redis: RedisInstance;
  const nodes: BrokerNode[] = [];
  const devices: DeviceTable = new Map();
  beforeAll(async () => {
    redis = await startRedis();
    for (const nodeId of ['node-1', 'node-2'])
      nodes.push(
        await startBrokerNode({
          redisUrl: redis.url,
          nodeId,
          devices: () => devices,
          serviceSecret: 'unused',
        }),
      );
  });
  afterAll(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close()));
    await redis?.stop();
  });

  const signal = (deviceId: string): RiskSignal => ({
    ruleId: 'smoke-high',
    ruleName: 'Smoke high',
    category: 'fire',
    deviceId,
    gridId: 'G01',
    deviceType: 'smoke_detector',
    severity: 'critical',
    previousSeverity: null,
    at: Date.now(),
  });

  it('keeps a risk with the node that drew it for alerts, and shows it to every web node', async () => {
    const [one, two] = nodes as [BrokerNode, BrokerNode];
    const heard = { alertsOne: [] as string[], alertsTwo: [] as string[], webTwo: [] as string[] };
    await one.buses.node.subscribe('risk.changed', (risk) => void heard.alertsOne.push(risk.deviceId));
    await two.buses.node.subscribe('risk.changed', (risk) => void heard.alertsTwo.push(risk.deviceId));
    await two.buses.cluster.subscribe('risk.changed', (risk) => void heard.webTwo.push(risk.deviceId));

    await one.buses.node.publish('risk.changed', signal('DEV-1'));
    await two.buses.cluster.publish('risk.changed', signal('DEV-2'));

    await expect.poll(() => heard.webTwo.sort()).toEqual(['DEV-1', 'DEV-2']);
    await expect.poll(() => heard.alertsOne).toEqual(['DEV-1']);
    await expect.poll(() => heard.alertsTwo).toEqual(['DEV-2']);
  });

  it('carries every other event to every node, whichever view published it', async () => {
    const [one, two] = nodes as [BrokerNode, BrokerNode];
    const heard: string[] = [];
    await one.buses.node.subscribe('rules.changed', ({ ruleId }) => void heard.push(`one ${ruleId}`));
    await two.buses.node.subscribe('rules.changed', ({ ruleId }) => void heard.push(`two ${ruleId}`));

    await one.buses.cluster.publish('rules.changed', { ruleId: 'r1', version: 2, at: Date.now() });

    await expect.poll(() => heard.sort()).toEqual(['one r1', 'two r1']);
  });
});
