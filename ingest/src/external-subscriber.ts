import { parseDeviceTopic } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import type { Ingest } from './ingest-pipeline';

const DEVICE_TOPICS = 'gs/v1/+/+/+';
const SHARE_GROUP = 'gridsense-ingest';

export interface ExternalSubscriber {
  clients: MqttClient[];
  endAsync(): Promise<void>;
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
 */
export async function subscribeExternalBroker(options: {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  ingest: Ingest;
  onError: (error: unknown, context: string) => void;
  subscribers?: number;
}): Promise<ExternalSubscriber> {
  const count = options.subscribers ?? 1;
  const clients = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      connectSubscriber({
        ...options,
        clientId: count === 1 ? options.clientId : `${options.clientId}-${i + 1}`,
      }),
    ),
  );
  const filter = count === 1 ? DEVICE_TOPICS : `$share/${SHARE_GROUP}/${DEVICE_TOPICS}`;
  await Promise.all(clients.map((client) => client.subscribeAsync(filter, { qos: 1 })));
  return {
    clients,
    endAsync: async () => {
      await Promise.all(clients.map((client) => client.endAsync()));
    },
  };
}

async function connectSubscriber(options: {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  ingest: Ingest;
  onError: (error: unknown, context: string) => void;
}): Promise<MqttClient> {
  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    ...(options.username ? { username: options.username, password: options.password ?? '' } : {}),
  });
  client.handleMessage = (packet, callback) => {
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
  client.on('error', (error) => options.onError(error, 'external broker'));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}
