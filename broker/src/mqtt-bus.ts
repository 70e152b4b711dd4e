import { busTopic, type Bus, type BusEventName, type BusPayloads } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';

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

/**
 * The bus between processes: an MQTT client with a persistent session (clean: false, QoS 1), so a
 * service that restarts receives what was published while it was away.
 */
export async function connectMqttBus(options: {
  url: string;
  /** Other nodes of the same broker cluster: each reconnect tries the next address in turn. */
  fallbackUrls?: string[];
  clientId: string;
  username?: string;
  password?: string;
  onError: (error: unknown) => void;
}): Promise<Bus> {
  const client: MqttClient = await mqtt.connectAsync(options.url, {
    ...(options.fallbackUrls?.length
      ? { servers: [options.url, ...options.fallbackUrls].map(serverOf) }
      : {}),
    clientId: options.clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    ...(options.username ? { username: options.username, password: options.password ?? '' } : {}),
  });
  const handlers: { filter: string; handle: (topic: string, payload: Buffer) => Promise<void> | void }[] = [];
  client.on('message', (topic, payload) => {
    for (const h of handlers) {
      if (matches(h.filter, topic))
        Promise.resolve()
          .then(() => h.handle(topic, payload))
          .catch(options.onError);
    }
  });
  client.on('error', options.onError);
  const subscribeRaw = async (
    filter: string,
    handle: (topic: string, payload: Buffer) => Promise<void> | void,
  ) => {
    const entry = { filter, handle };
    handlers.push(entry);
    await client.subscribeAsync(filter, { qos: 1 });
    return async () => {
      const at = handlers.indexOf(entry);
      if (at < 0) return;
      handlers.splice(at, 1);
      // Another handler on the same filter (a watch that came back meanwhile) keeps the subscription.
      if (!handlers.some((h) => h.filter === filter)) await client.unsubscribeAsync(filter);
    };
  };
  return {
    async publish<E extends BusEventName>(event: E, payload: BusPayloads[E]) {
      await client.publishAsync(busTopic(event), JSON.stringify(payload), { qos: 1 });
    },
    async subscribe<E extends BusEventName>(
      event: E,
      handler: (payload: BusPayloads[E]) => Promise<void> | void,
    ) {
      await subscribeRaw(busTopic(event), (_t, payload) =>
        handler(JSON.parse(payload.toString()) as BusPayloads[E]),
      );
    },
    subscribeTopic: subscribeRaw,
    close: () => client.endAsync(),
  };
}
