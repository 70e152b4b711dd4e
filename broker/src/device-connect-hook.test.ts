import { DEFAULT_NETWORK_LIMITS } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeBroker, createBroker, type Broker } from './create-broker';
import { createDeviceAccess } from './device-access';
import { listenMqtt } from './listeners';

/** onDeviceConnect on a real aedes: what a broker cluster node runs before a device's CONNACK. */
describe('the device connect hook', () => {
  let broker: Broker | undefined;
  let close: (() => Promise<void>) | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await close?.();
    if (broker) await closeBroker(broker);
  });

  async function start(onDeviceConnect: (deviceId: string) => Promise<void>) {
    const published: number[] = [];
    broker = await createBroker(
      createDeviceAccess({
        devices: { checkDevice: (id, secret) => (secret === 'right' ? { gridId: 'G01' } : undefined) },
        onDevicePublish: (_topic, packet) => {
          published.push(JSON.parse(String(packet.payload)).seq as number);
          return Promise.resolve({ outcome: 'accepted' });
        },
        onDeviceConnect,
      }),
    );
    const listening = await listenMqtt(broker, 0, '127.0.0.1', DEFAULT_NETWORK_LIMITS);
    close = listening.close;
    return { url: `mqtt://127.0.0.1:${(listening.server.address() as AddressInfo).port}`, published };
  }

  const connect = (url: string, password: string) => {
    const client = mqtt.connect(url, {
      clientId: 'DEV-1',
      username: 'DEV-1',
      password,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  it('holds the CONNACK, and so every publish, until the hook is done', async () => {
    let finish = () => {};
    const asked: string[] = [];
    const { url, published } = await start((deviceId) => {
      asked.push(deviceId);
      return new Promise((resolve) => (finish = resolve));
    });
    const client = connect(url, 'right');
    let connected = false;
    client.once('connect', () => (connected = true));
    await expect.poll(() => asked).toEqual(['DEV-1']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connected).toBe(false);
    finish();
    await expect.poll(() => connected).toBe(true);
    await client.publishAsync('gs/v1/G01/DEV-1/telemetry', JSON.stringify({ seq: 1 }), { qos: 1 });
    expect(published).toEqual([1]);
  });

  it('lets the device in when the hook fails, and never asks for a device refused', async () => {
    const asked: string[] = [];
    const { url } = await start((deviceId) => {
      asked.push(deviceId);
      return Promise.reject(new Error('the state database is down'));
    });
    const refused = connect(url, 'wrong');
    await new Promise((resolve) => refused.once('error', resolve));
    expect(asked).toEqual([]);
    const client = connect(url, 'right');
    await new Promise((resolve) => client.once('connect', resolve));
    expect(asked).toEqual(['DEV-1']);
  });
});
