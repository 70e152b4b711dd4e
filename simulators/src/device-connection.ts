import { deviceTopic } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';

/** One device as provisioned in the registry. */
export interface SimulatedDevice {
  id: string;
  gridId: string;
  type: string;
  secret: string;
}

/** Message counters shared by all devices of a simulation (telemetry and events, not status). */
export interface Counters {
  sent: number;
  /** QoS 1: PUBACK received; QoS 0 (only faults use it): written to the socket. */
  acked: number;
  errors: number;
  /** Readings carried by the sent messages (a batch carries many). */
  readings: number;
  /** Unplanned reconnects: the broker dropped the device (e.g. after a refused topic). */
  reconnects: number;
}

export interface DeviceConnectionOptions {
  url: string;
  device: SimulatedDevice;
  reconnectPeriodMs: number;
  counters: Counters;
  log: (line: string) => void;
  /** Called on every (re)connect. */
  onConnect: () => void;
  /**
   * A device with nothing to measure (a camera) says it is alive by announcing its online status
   * again this often while connected (GB/T 28181-style keepalive); others report by telemetry.
   */
  heartbeatMs?: number;
}

/** A device's MQTT session per the device contract: clean: false, QoS 1, retained last will. */
export interface DeviceConnection {
  /** Resolves once the attempt has succeeded or failed (the client keeps retrying). */
  connect(timeoutMs: number): Promise<void>;
  isConnected(): boolean;
  publish(topic: string, payload: string, qos: 0 | 1, readings: number): void;
  /** Cuts the connection without DISCONNECT, as a power loss does; the broker publishes the will. */
  drop(): void;
  stop(timeoutMs: number): Promise<void>;
}

const ONLINE = JSON.stringify({ state: 'online' });
const OFFLINE = JSON.stringify({ state: 'offline' });

/** Resolves `promise`, or gives up after `ms` (never rejects): shutdown must not hang on a dead broker. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true).catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createDeviceConnection(options: DeviceConnectionOptions): DeviceConnection {
  const { device, counters, log } = options;
  const statusTopic = deviceTopic(device.gridId, device.id, 'status');
  let client: MqttClient | undefined;
  let lastError = '';
  let heartbeat: NodeJS.Timeout | undefined;
  const stopHeartbeat = (): void => {
    clearInterval(heartbeat);
    heartbeat = undefined;
  };

  function noteError(error: Error): void {
    counters.errors++;
    // A device retrying against a down broker fails the same way every second: say it once.
    if (error.message !== lastError) log(`${device.id}: ${error.message}`);
    lastError = error.message;
  }

  function connect(timeoutMs: number): Promise<void> {
    const mqttClient = mqtt.connect(options.url, {
      clientId: device.id,
      username: device.id,
      password: device.secret,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: options.reconnectPeriodMs,
      connectTimeout: timeoutMs,
      will: { topic: statusTopic, payload: OFFLINE, qos: 1, retain: true },
    });
    client = mqttClient;
    const announceOnline = () =>
      mqttClient.publish(statusTopic, ONLINE, { qos: 1, retain: true }, (error) => {
        if (error) noteError(error);
      });
    mqttClient.on('connect', () => {
      lastError = '';
      // Re-announce on every (re)connect: the broker may have published our last will meanwhile.
      announceOnline();
      if (options.heartbeatMs && !heartbeat) heartbeat = setInterval(announceOnline, options.heartbeatMs);
      options.onConnect();
    });
    mqttClient.on('close', stopHeartbeat);
    mqttClient.on('error', noteError);
    mqttClient.on('reconnect', () => counters.reconnects++);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        mqttClient.off('connect', done).off('error', done).off('close', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      mqttClient.once('connect', done).once('error', done).once('close', done);
    });
  }

  function publish(topic: string, payload: string, qos: 0 | 1, readings: number): void {
    if (!client) return;
    counters.sent++;
    counters.readings += readings;
    client.publish(topic, payload, { qos }, (error) => {
      if (error) {
        counters.errors++;
        log(`${device.id}: publish failed: ${error.message}`);
      } else counters.acked++;
    });
  }

  async function stop(timeoutMs: number): Promise<void> {
    stopHeartbeat();
    if (!client) return;
    if (client.connected) {
      // A clean DISCONNECT suppresses the last will, so say "offline" ourselves first.
      await settleWithin(client.publishAsync(statusTopic, OFFLINE, { qos: 1, retain: true }), timeoutMs);
      // end(false) waits for in-flight QoS 1 acks; a broker that stops answering gets its socket cut.
      if (!(await settleWithin(client.endAsync(false), timeoutMs))) client.stream.destroy();
      return;
    }
    await settleWithin(client.endAsync(true), timeoutMs);
  }

  return {
    connect,
    isConnected: () => client?.connected === true,
    publish,
    drop: () => {
      // end(true) destroys the socket without a DISCONNECT packet and stops the client retrying.
      client?.end(true);
      client = undefined;
    },
    stop,
  };
}
