import { busTopic } from '@gridsense/core';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqttBus } from './mqtt-bus';

/** A real aedes on a loopback port: the broker a service's bus meets when services run apart. */
async function startBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

/** A port nothing listens on: a broker node that is down. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `mqtt://127.0.0.1:${port}`;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('the MQTT bus between services', () => {
  it('delivers raw device traffic until unsubscribed, and events meanwhile', async () => {
    const broker = await startBroker();
    closers.push(broker.close);
    const bus = await connectMqttBus({ url: broker.url, clientId: 'gridsense-test-web', onError: () => {} });
    closers.push(() => bus.close());
    const device = await mqtt.connectAsync(broker.url, { clientId: 'DEV-1' });
    closers.push(() => device.endAsync());

    const live: string[] = [];
    const events: string[] = [];
    const stop = await bus.subscribeTopic('gs/v1/G01/+/telemetry', (_topic, payload) =>
      live.push(Buffer.from(payload).toString()),
    );
    await bus.subscribe('rules.changed', ({ at }) => void events.push(String(at)));
    await device.publishAsync('gs/v1/G01/DEV-1/telemetry', 'one', { qos: 1 });
    await expect.poll(() => live).toEqual(['one']);

    await stop();
    await device.publishAsync('gs/v1/G01/DEV-1/telemetry', 'two', { qos: 1 });
    // An event published after the reading arrives after it: by then the reading would have too.
    await bus.publish('rules.changed', { ruleId: 'r1', version: 1, at: 1 });
    await expect.poll(() => events).toEqual(['1']);
    expect(live).toEqual(['one']);
  });

  it('keeps its event session across a restart, but no live subscription outlives the process', async () => {
    const broker = await startBroker();
    closers.push(broker.close);
    const bus = await connectMqttBus({ url: broker.url, clientId: 'gridsense-test-web', onError: () => {} });
    await bus.subscribe('rules.changed', () => {});
    await bus.subscribeTopic('gs/v1/G01/+/telemetry', () => {});
    // Gone without unsubscribing, as a crash leaves it.
    await bus.close();

    // The process comes back on its session: events published meanwhile reach it, a grid's readings do not.
    const resumed = await mqtt.connectAsync(broker.url, {
      clientId: 'gridsense-test-web',
      clean: false,
      reconnectPeriod: 0,
    });
    closers.push(() => resumed.endAsync());
    const topics: string[] = [];
    resumed.on('message', (topic) => topics.push(topic));
    const device = await mqtt.connectAsync(broker.url, { clientId: 'DEV-1' });
    closers.push(() => device.endAsync());
    await device.publishAsync('gs/v1/G01/DEV-1/telemetry', 'after', { qos: 1 });
    await device.publishAsync(busTopic('rules.changed'), JSON.stringify({ at: 2 }), { qos: 1 });
    await expect.poll(() => topics).toContain(busTopic('rules.changed'));
    expect(topics).toEqual([busTopic('rules.changed')]);
  });

  it('starts on the next broker node when the first one is down (MQTT_FAILOVER_URLS)', async () => {
    const broker = await startBroker();
    closers.push(broker.close);
    const bus = await connectMqttBus({
      url: await deadUrl(),
      fallbackUrls: [broker.url],
      clientId: 'gridsense-test-alerts',
      onError: () => {},
    });
    closers.push(() => bus.close());
    const events: number[] = [];
    await bus.subscribe('rules.changed', ({ at }) => void events.push(at));
    await bus.publish('rules.changed', { ruleId: 'r1', version: 1, at: 7 });
    await expect.poll(() => events).toEqual([7]);
  });
});
