import { busTopic, type Bus, type BusEventName, type BusPayloads } from '@gridsense/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** mqtt.js' form of a broker address for its `servers` rotation. */
function serverOf(url: string): { host: string; port: number; protocol: 'mqtt' | 'mqtts' } {
  const { hostname, port, protocol } = new URL(url);
  const scheme = protocol === 'mqtts:' ? 'mqtts' : 'mqtt';
  return { host: hostname, port: port ? Number(port) : scheme === 'mqtts' ? 8883 : 1883, protocol: scheme };
}

type Handle = (topic: string, payload: Buffer) => Promise<void> | void;

/** Connects to the first node that answers, then rotates through them all on each reconnect. */
async function connectFirst(urls: string[], options: IClientOptions): Promise<MqttClient> {
  let lastError: unknown;
  for (const [i, url] of urls.entries()) {
    // mqtt.js starts from the head of `servers`: put the node being tried there.
    const rotation = [...urls.slice(i), ...urls.slice(0, i)];
    try {
      return await mqtt.connectAsync(url, {
        ...(urls.length > 1 ? { servers: rotation.map(serverOf) } : {}),
        ...options,
      });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** A client's subscriptions: each filter once on the wire, however many handlers share it. */
function subscriptions(client: MqttClient, qos: 0 | 1, onError: (error: unknown) => void) {
  const handlers: { filter: string; handle: Handle }[] = [];
  client.on('message', (topic, payload) => {
    for (const h of handlers) {
      if (matches(h.filter, topic))
        Promise.resolve()
          .then(() => h.handle(topic, payload))
          .catch(onError);
    }
  });
  return async (filter: string, handle: Handle) => {
    const entry = { filter, handle };
    handlers.push(entry);
    try {
      await client.subscribeAsync(filter, { qos });
    } catch (error) {
      // Refused (an ACL, a SUBACK failure): no handler left behind to double a later delivery.
      handlers.splice(handlers.indexOf(entry), 1);
      throw error;
    }
    return async () => {
      const at = handlers.indexOf(entry);
      if (at < 0) return;
      handlers.splice(at, 1);
      // Another handler on the same filter (a watch that came back meanwhile) keeps the subscription.
      if (!handlers.some((h) => h.filter === filter)) await client.unsubscribeAsync(filter);
    };
  };
}

/**
 * The bus between processes: an MQTT client with a persistent session (clean: false, QoS 1), so a
 * service that restarts receives the events published while it was away. Raw device traffic (live
 * views) goes over a second, clean-session connection at QoS 0, opened at the first such
 * subscription: its subscriptions end with the process, where a persistent session would go on
 * drawing, and queueing, a watched grid's readings after a crash.
 */
export async function connectMqttBus(options: {
  url: string;
  /** Other nodes of the same broker cluster, tried in turn at start and on each reconnect. */
  fallbackUrls?: string[];
  clientId: string;
  username?: string;
  password?: string;
  onError: (error: unknown) => void;
}): Promise<Bus> {
  const urls = [options.url, ...(options.fallbackUrls ?? [])];
  const common: IClientOptions = {
    protocolVersion: 4,
    reconnectPeriod: 1000,
    ...(options.username ? { username: options.username, password: options.password ?? '' } : {}),
  };
  const client = await connectFirst(urls, { ...common, clientId: options.clientId, clean: false });
  client.on('error', options.onError);
  const subscribeEvent = subscriptions(client, 1, options.onError);

  let live: Promise<{ client: MqttClient; subscribe: ReturnType<typeof subscriptions> }> | undefined;
  const liveConnection = () => {
    live ??= connectFirst(urls, { ...common, clientId: `${options.clientId}-live`, clean: true }).then(
      (liveClient) => {
        liveClient.on('error', options.onError);
        return { client: liveClient, subscribe: subscriptions(liveClient, 0, options.onError) };
      },
      (error: unknown) => {
        live = undefined; // the next subscription tries again
        throw error;
      },
    );
    return live;
  };
  return {
    async publish<E extends BusEventName>(event: E, payload: BusPayloads[E]) {
      await client.publishAsync(busTopic(event), JSON.stringify(payload), { qos: 1 });
    },
    async subscribe<E extends BusEventName>(
      event: E,
      handler: (payload: BusPayloads[E]) => Promise<void> | void,
    ) {
      await subscribeEvent(busTopic(event), (_t, payload) =>
        handler(JSON.parse(payload.toString()) as BusPayloads[E]),
      );
    },
    async subscribeTopic(filter, handler) {
      return (await liveConnection()).subscribe(filter, handler);
    },
    async close() {
      const liveClient = await live?.then(
        (opened) => opened.client,
        () => undefined,
      );
      await Promise.all([client.endAsync(), liveClient?.endAsync()]);
    },
  };
}
