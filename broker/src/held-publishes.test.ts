import { DEFAULT_NETWORK_LIMITS } from '@gridsense/core';
import mqtt from 'mqtt';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeBroker, createBroker, type Broker } from './create-broker';
import { createDeviceAccess } from './device-access';
import { heldPublishes } from './held-publishes';
import { listenMqtt } from './listeners';

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('the held-publish budget on a real broker', () => {
  let broker: Broker | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((done) => server!.close(() => done()));
    if (broker) await closeBroker(broker);
    server = broker = undefined;
  });

  it('stops reading device sockets while the budget is full, and loses nothing once there is room', async () => {
    // Ingest as during a full spool: nothing becomes durable until released.
    const waiting: (() => void)[] = [];
    let released = false;
    const seen: number[] = [];
    broker = await createBroker(
      createDeviceAccess({
        devices: { checkDevice: (id) => (id.startsWith('DEV-') ? { gridId: 'G01' } : undefined) },
        serviceSecret: 'service-secret',
        onDevicePublish: (_topic, packet) => {
          seen.push(JSON.parse(String(packet.payload)).seq as number);
          if (released) return Promise.resolve({ outcome: 'accepted' });
          return new Promise((resolve) => waiting.push(() => resolve({ outcome: 'accepted' })));
        },
      }),
    );
    const budget = heldPublishes(broker);
    budget.maxHeld = 100;
    ({ server } = await listenMqtt(broker, 0, '127.0.0.1', DEFAULT_NETWORK_LIMITS));
    const address = server.address();
    const url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // Eight devices sending one reading per message, as fast as the socket takes them.
    const devices = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
        mqtt.connectAsync(url, {
          clientId: `DEV-${n}`,
          username: `DEV-${n}`,
          password: 'secret',
          reconnectPeriod: 0,
        }),
      ),
    );
    const perDevice = 2_000;
    const acks = devices.flatMap((device) =>
      Array.from({ length: perDevice }, (_, i) =>
        device.publishAsync(
          `gs/v1/G01/${device.options.clientId}/telemetry`,
          JSON.stringify({ seq: i + 1 }),
          {
            qos: 1,
          },
        ),
      ),
    );
    await until(() => budget.pausedSockets >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time for more to arrive, were it read
    const heldWhilePaused = budget.held;
    // Held: the budget plus what was parsed from the reads that crossed it (341 here). Without the
    // budget aedes reads ahead ~360 messages per device (2,899 for these eight), whatever the total.
    expect(heldWhilePaused).toBeGreaterThanOrEqual(100);
    expect(heldWhilePaused).toBeLessThan(1_000);
    expect(seen.length).toBe(heldWhilePaused);

    released = true;
    for (const release of waiting.splice(0)) release();
    await Promise.all(acks);
    expect(seen).toHaveLength(perDevice * devices.length);
    expect(budget.held).toBe(0);
    expect(budget.peak).toBeLessThan(perDevice * devices.length);
    await Promise.all(devices.map((device) => device.endAsync()));
  }, 60_000);
});
