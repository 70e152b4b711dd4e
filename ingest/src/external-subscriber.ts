import { parseDeviceTopic } from '@gridsense/core';
import mqtt from 'mqtt';
import { Gauge } from 'prom-client';
import { metricsRegistry } from './ingest-metrics';
import type { Ingest } from './ingest-pipeline';
import { openSubscriberConnection, type SubscriberConnection } from './subscriber-connection';

const DEVICE_TOPICS = 'gs/v1/+/+/+';
const SHARE_GROUP = 'gridsense-ingest';
const SHARED_TOPICS = `$share/${SHARE_GROUP}/${DEVICE_TOPICS}`;
/** Session ids `{clientId}-1 … -MAX_SUBSCRIBERS` are looked after (GRIDSENSE_INGEST_SUBSCRIBERS). */
export const MAX_SUBSCRIBERS = 64;
/** How long a retired session must stay quiet before it counts as drained. */
const DRAIN_QUIET_MS = 500;

const silentGauge = new Gauge({
  name: 'gridsense_ingest_subscription_silent',
  help: '1 while devices publish to the external broker and no ingest subscriber receives anything',
  registers: [metricsRegistry],
});

export interface ExternalSubscriber {
  clients: SubscriberConnection[];
  /** True while the silence alarm is raised. */
  silent(): boolean;
  endAsync(): Promise<void>;
}

/** Which of several ingest processes on one broker this is: `index` of `count` (1-based). */
export interface IngestInstance {
  index: number;
  count: number;
}

export interface ExternalSubscriberOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  ingest: Ingest;
  onError: (error: unknown, context: string) => void;
  /** Subscriber connections in this process (default 1; one keeps many messages in flight). */
  subscribers?: number;
  /** Several ingest processes sharing the device messages (default the only one, 1 of 1). */
  instance?: IngestInstance;
  /** Messages handed to ingest and not yet acknowledged, per connection, past which it stops reading. */
  maxUnacked?: number;
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
 * This instance's share of the ids of all instances together: `subscribers` per instance,
 * numbered across instances (instance 2 of 2 with 1 subscriber each is `clientId-2`), so every
 * process keeps the same ids, and with them its persistent session, from one start to the next.
 */
export function instanceSubscriberIds(
  clientId: string,
  subscribers: number,
  instance: IngestInstance,
): string[] {
  const all = subscriberIds(clientId, subscribers * instance.count);
  return all.slice((instance.index - 1) * subscribers, instance.index * subscribers);
}

/**
 * Ingest against an external broker (Mosquitto, EMQX): persistent-session subscribers whose own
 * PUBACK to the broker waits until the reading is durable, so the broker redelivers anything
 * ingest had not made durable when it stopped.
 *
 * Each subscriber connection (`subscriber-connection.ts`) hands every message to the pipeline as
 * it arrives and PUBACKs it once its group commit is durable, so one connection keeps as many
 * QoS 1 messages in flight as the broker allows (Mosquitto: `max_inflight_messages`). When more
 * than one connection takes part, in this process (`subscribers`) or across ingest processes
 * (`instance`), they share a subscription (`$share/gridsense-ingest/…`, Mosquitto ≥ 1.6 and
 * EMQX; not aedes), whose messages the broker spreads over them.
 *
 * Three ways a broker can leave ingest subscribed to nothing, or something subscribed that nobody
 * reads, and what is done about each:
 * - Every connect subscribes again, session present or not: Mosquitto restores a saved session
 *   without its shared subscriptions, and would otherwise acknowledge and drop every device message.
 * - Sessions of other subscriber counts (`clientId` alone, or `clientId-k` beyond the count) are
 *   drained into ingest, unsubscribed and removed at start, by instance 1 only.
 * - A silence watch raises an alarm when devices publish and no subscriber receives anything.
 */
export async function subscribeExternalBroker(
  options: ExternalSubscriberOptions,
): Promise<ExternalSubscriber> {
  const count = options.subscribers ?? 1;
  const instance = options.instance ?? { index: 1, count: 1 };
  const total = count * instance.count;
  const ids = instanceSubscriberIds(options.clientId, count, instance);
  const filter = total === 1 ? DEVICE_TOPICS : SHARED_TOPICS;
  let received = 0;
  const onMessage = () => received++;
  const clients = await Promise.all(
    ids.map((clientId) => connectSubscriber({ ...options, clientId, filter, onMessage })),
  );
  if (instance.index === 1) {
    const inUse = new Set(subscriberIds(options.clientId, total));
    const stale = [options.clientId, ...subscriberIds(options.clientId, MAX_SUBSCRIBERS)].filter(
      (id) => !inUse.has(id),
    );
    // All at once, before returning: a stop must not cut a retirement short.
    await Promise.all(
      stale.map((clientId) =>
        retireSession({ ...options, clientId }).catch((error: unknown) =>
          options.onError(error, `retire session ${clientId}`),
        ),
      ),
    );
  }

  const witnessId =
    instance.index === 1 ? `${options.clientId}-witness` : `${options.clientId}-witness-${instance.index}`;
  const watch = watchSilence({ ...options, witnessId }, clients, filter, () => received);
  return {
    clients,
    silent: () => watch.silent,
    endAsync: async () => {
      watch.stop();
      await Promise.all(clients.map((client) => client.endAsync()));
    },
  };
}

/** Hands a device message to ingest; resolves once it is durable or rejected for good. */
function storeDeviceMessage(
  options: ExternalSubscriberOptions,
  topic: string,
  payload: Buffer,
): Promise<unknown> {
  const device = parseDeviceTopic(topic);
  if (!device) return Promise.resolve();
  return options.ingest.handleDeviceMessage(device, payload);
}

async function connectSubscriber(
  options: ExternalSubscriberOptions & { filter: string; onMessage: () => void },
): Promise<SubscriberConnection> {
  const { connection, ready } = openSubscriberConnection({
    url: options.url,
    clientId: options.clientId,
    ...(options.username ? { username: options.username, password: options.password ?? '' } : {}),
    clean: false,
    // Every connect subscribes again, whatever `sessionPresent` says (see subscribeExternalBroker).
    filter: options.filter,
    // Soon after a broker restart: until the subscriptions are back, Mosquitto drops device messages.
    reconnectMs: 250,
    ...(options.maxUnacked ? { maxUnacked: options.maxUnacked } : {}),
    onPublish: (topic, payload) => {
      options.onMessage();
      return storeDeviceMessage(options, topic, payload);
    },
    onError: options.onError,
  });
  try {
    await ready;
  } catch (error) {
    await connection.endAsync();
    throw error;
  }
  return connection;
}

/**
 * Ends a session ingest no longer uses: stores what the broker had queued for it (PUBACK after
 * durable, as always), unsubscribes, waits until it has been quiet for a moment, then connects
 * once with a clean session, which removes it from the broker.
 */
async function retireSession(options: ExternalSubscriberOptions): Promise<void> {
  let lastActivity = Date.now();
  const credentials = options.username
    ? { username: options.username, password: options.password ?? '' }
    : {};
  const common = {
    url: options.url,
    clientId: options.clientId,
    ...credentials,
    reconnectMs: 0,
    onError: () => {},
  };
  const { connection, ready } = openSubscriberConnection({
    ...common,
    clean: false,
    onPublish: (topic, payload) => {
      lastActivity = Date.now();
      return storeDeviceMessage(options, topic, payload).finally(() => (lastActivity = Date.now()));
    },
  });
  const sessionPresent = await ready;
  if (sessionPresent) {
    await connection.unsubscribeAsync([DEVICE_TOPICS, SHARED_TOPICS]);
    while (connection.unacked() > 0 || Date.now() - lastActivity < DRAIN_QUIET_MS)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await connection.endAsync();
  const cleaner = openSubscriberConnection({ ...common, clean: true, onPublish: () => Promise.resolve() });
  await cleaner.ready;
  await cleaner.connection.endAsync();
}

function watchSilence(
  options: ExternalSubscriberOptions & { witnessId: string },
  clients: SubscriberConnection[],
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
          if (client.connected())
            client.subscribeAsync(filter).catch((error: unknown) => options.onError(error, 'subscribe'));
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
async function witnessDeviceMessages(
  options: ExternalSubscriberOptions & { witnessId: string },
  forMs: number,
): Promise<number> {
  const witness = await mqtt.connectAsync(options.url, {
    clientId: options.witnessId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    ...(options.username ? { username: options.username, password: options.password ?? '' } : {}),
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
