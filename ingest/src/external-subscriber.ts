import { parseDeviceTopic } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import type { Ingest } from './ingest-pipeline';

/**
 * Ingest against an external broker (Mosquitto, EMQX): a persistent-session subscriber whose own
 * PUBACK to the broker waits until the reading is durable (mqtt.js `handleMessage`), so the broker
 * redelivers anything ingest had not made durable when it stopped.
 */
export async function subscribeExternalBroker(options: {
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
  await client.subscribeAsync('gs/v1/+/+/+', { qos: 1 });
  return client;
}
