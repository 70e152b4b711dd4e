/**
 * The external-broker subscriber as it was before the pipelined one (mqtt.js `handleMessage`:
 * one message per client until its PUBACK), kept only so `npm run bench` can compare the two in
 * one run. Not used by GridSense.
 */
import { parseDeviceTopic } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '../../ingest/src/ingest-metrics';
import type { Ingest } from '../../ingest/src/ingest-pipeline';

const DEVICE_TOPICS = 'gs/v1/+/+/+';
const SHARE_GROUP = 'gridsense-ingest';
const SHARED_TOPICS = `$share/${SHARE_GROUP}/${DEVICE_TOPICS}`;
/** Session ids `{clientId}-1 … -MAX_SUBSCRIBERS` are looked after (GRIDSENSE_INGEST_SUBSCRIBERS). */
export const MAX_SUBSCRIBERS = 64;
/** How long a retired session must stay quiet before it counts as drained. */
const DRAIN_QUIET_MS = 500;

const silentGauge = new Gauge({
  name: 'gridsense_bench_mqttjs_subscription_silent',
  help: '1 while devices publish to the external broker and no ingest subscriber receives anything',
  registers: [metricsRegistry],
});

export interface ExternalSubscriber {
  clients: MqttClient[];
  /** True while the silence alarm is raised. */
  silent(): boolean;
  endAsync(): Promise<void>;
}

export interface ExternalSubscriberOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  ingest: Ingest;
  onError: (error: unknown, context: string) => void;
  subscribers?: number;
  /**
   * How often the subscribers' silence is checked (default 30 s): when they received nothing in
   * that time, a witness watches the device topics for a while; device messages it sees raise
   * the alarm (`onSilent`, the gauge, an error) and every subscriber subscribes again.
   */
  silenceCheckMs?: number;
  onSilent?: (deviceMessagesSeen: number) => void;
}

/** The client ids a subscriber count uses: `clientId` alone, or `clientId-1 … -n` on $share. */
export function subscriberIds(clientId: string, count: number): string[] {
  return count === 1 ? [clientId] : Array.from({ length: count }, (_, i) => `${clientId}-${i + 1}`);
}

/**
 * Ingest against an external broker (Mosquitto, EMQX): persistent-session subscribers whose own
 * PUBACK to the broker waits until the reading is durable (mqtt.js `handleMessage`), so the broker
 * redelivers anything ingest had not made durable when it stopped.
 *
 * mqtt.js hands a client its next message only after the previous one's callback, so one client
 * is one message per group commit. `subscribers` > 1 opens that many clients on a shared
 * subscription (`$share/gridsense-ingest/…`, Mosquitto ≥ 1.6 and EMQX; not aedes), whose messages
 * the broker spreads over them and whose writes ingest groups together again.
 *
 * Three ways a broker can leave ingest subscribed to nothing, or something subscribed that nobody
 * reads, and what is done about each:
 * - Every connect subscribes again, session present or not: Mosquitto restores a saved session
 *   without its shared subscriptions, and would otherwise acknowledge and drop every device message.
 * - Sessions of other subscriber counts (`clientId` alone, or `clientId-k` beyond the count) are
 *   drained into ingest, unsubscribed and removed at start, so a broker stops queueing for them.
 * - A silence watch raises an alarm when devices publish and no subscriber receives anything.
 */
export async function subscribeExternalBroker(
  options: ExternalSubscriberOptions,
): Promise<ExternalSubscriber> {
  const count = options.subscribers ?? 1;
  const ids = subscriberIds(options.clientId, count);
  const filter = count === 1 ? DEVICE_TOPICS : SHARED_TOPICS;
  let received = 0;
  const onMessage = () => received++;
  const clients = await Promise.all(
    ids.map((clientId) => connectSubscriber({ ...options, clientId, filter, onMessage })),
  );
  const inUse = new Set(ids);
  const stale = [options.clientId, ...subscriberIds(options.clientId, MAX_SUBSCRIBERS)].filter(
    (id) => !inUse.has(id),
  );
  // All at once, before returning: a stop must not cut a retirement short.
  const retired = Promise.all(
    stale.map((clientId) =>
      retireSession({ ...options, clientId }).catch((error: unknown) =>
        options.onError(error, `retire session ${clientId}`),
      ),
    ),
  ).then(() => undefined);
  await retired;

  const watch = watchSilence(options, clients, filter, () => received);
  return {
    clients,
    silent: () => watch.silent,
    endAsync: async () => {
      watch.stop();
      await Promise.all(clients.map((client) => client.endAsync()));
    },
  };
}

function connectOptions(
  options: ExternalSubscriberOptions,
  clientId: string,
  clean: boolean,
): mqtt.IClientOptions {
  return {
    clientId,
    clean,
    protocolVersion: 4,
    // Soon after a broker restart: until the subscriptions are back, Mosquitto drops device messages.
    reconnectPeriod: 250,
    // mqtt.js would skip a filter it believes subscribed; every connect subscribes by itself instead.
    resubscribe: false,
    ...(options.username ? { username: options.username, password: options.password ?? '' } : {}),
  };
}

/** Stores each device message, and PUBACKs it only once durable. */
function handleDeviceMessages(
  client: MqttClient,
  options: ExternalSubscriberOptions,
  onMessage: () => void,
): void {
  client.handleMessage = (packet, callback) => {
    onMessage();
    const topic = parseDeviceTopic(packet.topic);
    if (!topic) return callback();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    options.ingest.handleDeviceMessage(topic, payload).then(
      () => callback(),
      // Not durable: withhold the PUBACK; the broker redelivers after reconnect.
      (error: unknown) => {
        options.onError(error, `store ${packet.topic}`);
        client.end(true, () => client.reconnect());
      },
    );
  };
}

async function connectSubscriber(
  options: ExternalSubscriberOptions & { filter: string; onMessage: () => void },
): Promise<MqttClient> {
  const client = mqtt.connect(options.url, connectOptions(options, options.clientId, false));
  handleDeviceMessages(client, options, options.onMessage);
  client.on('error', (error) => options.onError(error, 'external broker'));
  const subscribe = () => client.subscribeAsync(options.filter, { qos: 1 });
  await new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.once('connect', () => {
      client.removeListener('error', reject);
      subscribe().then(() => resolve(), reject);
    });
  });
  // Every later connect too, whatever `sessionPresent` says (see subscribeExternalBroker).
  client.on('connect', () => {
    subscribe().catch((error: unknown) => options.onError(error, `subscribe ${options.clientId}`));
  });
  return client;
}

/**
 * Ends a session ingest no longer uses: stores what the broker had queued for it (PUBACK after
 * durable, as always), unsubscribes, waits until it has been quiet for a moment, then connects
 * once with a clean session, which removes it from the broker.
 */
async function retireSession(options: ExternalSubscriberOptions): Promise<void> {
  let lastActivity = Date.now();
  let pending = 0;
  const client = mqtt.connect(options.url, {
    ...connectOptions(options, options.clientId, false),
    reconnectPeriod: 0,
  });
  handleDeviceMessages(client, options, () => {
    lastActivity = Date.now();
    pending++;
  });
  client.on('packetsend', (packet) => {
    if (packet.cmd === 'puback') {
      pending--;
      lastActivity = Date.now();
    }
  });
  client.on('error', () => {});
  const sessionPresent = await new Promise<boolean>((resolve, reject) => {
    client.once('connect', (connack) => resolve(connack.sessionPresent));
    client.once('close', () => reject(new Error(`could not connect as ${options.clientId}`)));
  });
  if (sessionPresent) {
    await client.unsubscribeAsync([DEVICE_TOPICS, SHARED_TOPICS]);
    while (pending > 0 || Date.now() - lastActivity < DRAIN_QUIET_MS)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await client.endAsync();
  const cleaner = await mqtt.connectAsync(options.url, {
    ...connectOptions(options, options.clientId, true),
    reconnectPeriod: 0,
  });
  await cleaner.endAsync();
}

function watchSilence(
  options: ExternalSubscriberOptions,
  clients: MqttClient[],
  filter: string,
  received: () => number,
): { silent: boolean; stop(): void } {
  const state = { silent: false, stop: () => clearInterval(timer) };
  const checkMs = options.silenceCheckMs ?? 30_000;
  let seenAtLastCheck = received();
  let probing = false;
  const check = async () => {
    const now = received();
    const quiet = now === seenAtLastCheck;
    seenAtLastCheck = now;
    if (!quiet) {
      if (state.silent) silentGauge.set(0);
      state.silent = false;
      return;
    }
    if (probing) return;
    probing = true;
    try {
      const seen = await witnessDeviceMessages(options, Math.min(5_000, Math.max(500, checkMs / 2)));
      // Devices published while the witness looked, and no subscriber received a thing.
      if (seen > 0 && received() === seenAtLastCheck) {
        state.silent = true;
        silentGauge.set(1);
        options.onSilent?.(seen);
        options.onError(
          new Error(
            `devices published ${seen} messages and no ingest subscriber received any: subscribing again`,
          ),
          'external broker',
        );
        for (const client of clients)
          if (client.connected)
            client
              .subscribeAsync(filter, { qos: 1 })
              .catch((error: unknown) => options.onError(error, 'subscribe'));
      }
    } catch (error) {
      options.onError(error, 'silence witness');
    } finally {
      probing = false;
    }
  };
  const timer = setInterval(() => void check(), checkMs);
  timer.unref();
  return state;
}

/** Counts device messages on the broker for `forMs` with a throwaway QoS 0 subscription. */
async function witnessDeviceMessages(options: ExternalSubscriberOptions, forMs: number): Promise<number> {
  const witness = await mqtt.connectAsync(options.url, {
    ...connectOptions(options, `${options.clientId}-witness`, true),
    reconnectPeriod: 0,
  });
  let seen = 0;
  try {
    witness.on('message', (topic) => {
      if (parseDeviceTopic(topic)) seen++;
    });
    await witness.subscribeAsync(DEVICE_TOPICS, { qos: 0 });
    await new Promise((resolve) => setTimeout(resolve, forMs));
  } finally {
    await witness.endAsync(true);
  }
  return seen;
}
