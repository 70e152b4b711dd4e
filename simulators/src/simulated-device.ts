import { deviceTopic, type StandardDeviceType } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import { createBehaviourState, nextTick, type BehaviourState } from './device-behaviour';
import { createRandom, type Random } from './random';

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
  acked: number;
  errors: number;
}

export interface DeviceRunnerOptions {
  url: string;
  device: SimulatedDevice & { type: StandardDeviceType };
  seed: number;
  intervalMs: number;
  riskProbability: number;
  /** Where this device's tick sits in the shared interval, so load is spread evenly. */
  slotOffsetMs: number;
  /** Start of the shared schedule; slots are counted from here. */
  scheduleStart: number;
  /** First `seq`; derived from the start time so a restarted simulator keeps increasing. */
  firstSeq: number;
  reconnectPeriodMs: number;
  counters: Counters;
  log: (line: string) => void;
}

export interface DeviceRunner {
  /** Resolves once the first connection attempt has succeeded or failed (the client keeps retrying). */
  connect(timeoutMs: number): Promise<void>;
  isConnected(): boolean;
  triggerRisk(): void;
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

export function createDeviceRunner(options: DeviceRunnerOptions): DeviceRunner {
  const { device, counters, log, intervalMs } = options;
  const random: Random = createRandom(options.seed);
  const statusTopic = deviceTopic(device.gridId, device.id, 'status');
  let state: BehaviourState = createBehaviourState(device.type, Date.now(), random);
  let seq = options.firstSeq;
  let forceIncident = false;
  let client: MqttClient | undefined;
  let firstTick: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let lastError = '';

  function publishCounted(topic: string, body: object): void {
    counters.sent++;
    client?.publish(topic, JSON.stringify(body), { qos: 1 }, (error) => {
      if (error) {
        counters.errors++;
        log(`${device.id}: publish failed: ${error.message}`);
      } else counters.acked++;
    });
  }

  function tick(): void {
    const ts = Date.now();
    const result = nextTick(device.type, state, {
      ts,
      random,
      riskProbability: options.riskProbability,
      forceIncident,
    });
    state = result.state;
    forceIncident = false;
    if (result.metrics) {
      publishCounted(deviceTopic(device.gridId, device.id, 'telemetry'), {
        ts,
        seq: seq++,
        metrics: result.metrics,
      });
    }
    if (result.event) {
      publishCounted(deviceTopic(device.gridId, device.id, 'event'), { ts, seq: seq++, ...result.event });
    }
  }

  /** Ticks on the shared grid: scheduleStart + slotOffset + k·interval, whenever the device joins. */
  function startTicking(): void {
    if (firstTick || ticker) return;
    const sinceStart = Date.now() - options.scheduleStart - options.slotOffsetMs;
    const delay = ((-sinceStart % intervalMs) + intervalMs) % intervalMs || intervalMs;
    firstTick = setTimeout(() => {
      tick();
      ticker = setInterval(tick, intervalMs);
    }, delay);
  }

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
    mqttClient.on('connect', () => {
      lastError = '';
      // Re-announce on every (re)connect: the broker may have published our last will meanwhile.
      mqttClient.publish(statusTopic, ONLINE, { qos: 1, retain: true }, (error) => {
        if (error) noteError(error);
      });
      startTicking();
    });
    mqttClient.on('error', noteError);
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

  async function stop(timeoutMs: number): Promise<void> {
    clearTimeout(firstTick);
    clearInterval(ticker);
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
    triggerRisk: () => {
      forceIncident = true;
    },
    stop,
  };
}
