import { isValidId } from '@gridsense/core';
import { isSimulatedType } from './device-behaviour';
import { deriveSeed } from './random';
import {
  createDeviceRunner,
  type Counters,
  type DeviceRunner,
  type SimulatedDevice,
} from './simulated-device';

export type { SimulatedDevice } from './simulated-device';

export interface SimulationOptions {
  /** Broker URL: mqtt://, mqtts://, ws:// or wss://. */
  url: string;
  devices: SimulatedDevice[];
  /** Each device publishes once per interval; devices are spread evenly across it. */
  intervalMs?: number;
  /** Chance per device per tick of starting a short incident. */
  riskProbability?: number;
  /** Seeds every device's behaviour; the same seed replays the same readings for the same times. */
  seed?: number;
  log?: (line: string) => void;
}

export interface SimulationStats {
  /** Telemetry and event messages published (status messages are not counted). */
  sent: number;
  /** Of those, acknowledged by the broker (QoS 1 PUBACK). */
  acked: number;
  /** Failed publishes plus client errors (refused connections, bad credentials, …). */
  errors: number;
  /** Devices currently connected. */
  connected: number;
}

export interface Simulation {
  stats(): SimulationStats;
  /** Forces an incident on the device's next tick. Throws for an unknown device id. */
  triggerRisk(deviceId: string): void;
  /** Stops ticking, announces every device offline and disconnects cleanly. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 5000;
const DEFAULT_RISK_PROBABILITY = 0.002;
/** Connecting a few devices at a time keeps a 100-device start from storming the broker. */
const CONNECT_BATCH_SIZE = 20;
const CONNECT_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3000;
const URL_PATTERN = /^(mqtts?|wss?):\/\//;

function validateOptions(options: SimulationOptions, intervalMs: number, riskProbability: number): void {
  if (!URL_PATTERN.test(options.url))
    throw new Error(`url must be mqtt://, mqtts://, ws:// or wss://: ${options.url}`);
  if (!(Number.isFinite(intervalMs) && intervalMs >= 1))
    throw new Error(`intervalMs must be ≥ 1, got ${intervalMs}`);
  if (!(riskProbability >= 0 && riskProbability <= 1)) {
    throw new Error(`riskProbability must be 0–1, got ${riskProbability}`);
  }
  const seen = new Set<string>();
  for (const device of options.devices) {
    if (!isValidId(device.id) || !isValidId(device.gridId)) {
      throw new Error(`device ids must match ^[A-Za-z0-9_-]{1,64}$: ${device.gridId}/${device.id}`);
    }
    if (seen.has(device.id)) throw new Error(`duplicate device id ${device.id}`);
    seen.add(device.id);
    if (!isSimulatedType(device.type))
      throw new Error(`device ${device.id}: no simulation for type ${device.type}`);
  }
}

/**
 * Runs every device as its own MQTT client, per the device contract. Returns at once; devices
 * connect in the background in batches, and each starts publishing once it is connected.
 */
export function startSimulation(options: SimulationOptions): Simulation {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const riskProbability = options.riskProbability ?? DEFAULT_RISK_PROBABILITY;
  validateOptions(options, intervalMs, riskProbability);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const log = options.log ?? (() => {});
  const counters: Counters = { sent: 0, acked: 0, errors: 0 };
  const scheduleStart = Date.now();
  const count = options.devices.length;

  const runners = new Map<string, DeviceRunner>();
  options.devices.forEach((device, index) => {
    if (!isSimulatedType(device.type)) return; // validated above; narrows the type
    runners.set(
      device.id,
      createDeviceRunner({
        url: options.url,
        device: { ...device, type: device.type },
        seed: deriveSeed(seed, device.id),
        intervalMs,
        riskProbability,
        slotOffsetMs: (index * intervalMs) / count,
        scheduleStart,
        // One message per device per interval (≥ 1 ms), so epoch-ms never runs behind an earlier run.
        firstSeq: scheduleStart,
        // Different periods per device, so a broker restart is not met by all devices at once.
        reconnectPeriodMs: 1000 + (index % CONNECT_BATCH_SIZE) * 100,
        counters,
        log,
      }),
    );
  });

  let stopped = false;
  const connecting = (async () => {
    const all = [...runners.values()];
    for (let start = 0; start < all.length && !stopped; start += CONNECT_BATCH_SIZE) {
      await Promise.all(
        all.slice(start, start + CONNECT_BATCH_SIZE).map((runner) => runner.connect(CONNECT_TIMEOUT_MS)),
      );
      log(`connect attempted for ${Math.min(start + CONNECT_BATCH_SIZE, all.length)}/${all.length} devices`);
    }
  })().catch((error: unknown) => log(`connecting devices failed: ${String(error)}`));

  return {
    stats: () => ({
      ...counters,
      connected: [...runners.values()].filter((runner) => runner.isConnected()).length,
    }),
    triggerRisk: (deviceId) => {
      const runner = runners.get(deviceId);
      if (!runner) throw new Error(`unknown device ${deviceId}`);
      runner.triggerRisk();
    },
    stop: async () => {
      stopped = true;
      await Promise.all([...runners.values()].map((runner) => runner.stop(STOP_TIMEOUT_MS)));
      await connecting; // the batch in flight ends as its clients close
    },
  };
}
