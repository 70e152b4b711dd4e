import { deviceTypeSpec, isValidId, reportIntervalOf } from '@gridsense/core';
import { isSimulatedType } from './device-behaviour';
import {
  createDeviceConnection,
  type Counters,
  type DeviceConnection,
  type SimulatedDevice,
} from './device-connection';
import type { MessageFault } from './faults';
import { createPlan, type PlanDevice, type PlannedAction } from './scenario-plan';
import { selectDevices, type Scenario } from './scenario';
import { acceleratedStart, createSimClock, type SimClock } from './sim-clock';

export type { SimulatedDevice } from './device-connection';

export interface SimulationOptions {
  /** Broker URL: mqtt://, mqtts://, ws:// or wss://. */
  url: string;
  devices: SimulatedDevice[];
  /** Each device publishes once per interval; devices are spread evenly across it (no scenario). */
  intervalMs?: number;
  /** Chance per device per tick of starting a short incident (no scenario). */
  riskProbability?: number;
  /** Seeds every device's behaviour; the same seed replays the same readings for the same times. */
  seed?: number;
  /** A scripted scenario (see scenario.ts); without one, devices run free with random incidents. */
  scenario?: Scenario;
  /** Overrides the scenario's time acceleration. */
  speed?: number;
  /** Simulated start (epoch ms); default now, or so that an accelerated scenario ends now. */
  startMs?: number;
  /**
   * How often a device with nothing to measure (a camera) announces its online status again, as
   * its heartbeat; default its type's report interval (a minute for cameras).
   */
  heartbeatMs?: number;
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
  /** Readings in the sent messages (a batch after an outage carries many). */
  readings: number;
  /** Times a device was dropped by the broker and reconnected by itself (planned outages excluded). */
  reconnects: number;
  /** Messages shaped by each injected fault. */
  faults: Partial<Record<MessageFault, number>>;
  /** Simulated time now (undefined until the clock starts). */
  simNow: number | undefined;
}

export interface Simulation {
  stats(): SimulationStats;
  /** Forces an incident on the device's next tick. Throws for an unknown device id. */
  triggerRisk(deviceId: string): void;
  /** Resolves once a scenario with a duration has played everything (never without one). */
  done: Promise<void>;
  /** Stops ticking, announces every device offline and disconnects cleanly. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 5000;
const DEFAULT_RISK_PROBABILITY = 0.002;
/** Connecting a few devices at a time keeps a 100-device start from storming the broker. */
const CONNECT_BATCH_SIZE = 20;
const CONNECT_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3000;
/** The player wakes at least this often, so a clock or plan change is never far away. */
const MAX_SLEEP_MS = 1000;
const URL_PATTERN = /^(mqtts?|wss?):\/\//;

function validateOptions(options: SimulationOptions, scenario: Scenario): void {
  if (!URL_PATTERN.test(options.url))
    throw new Error(`url must be mqtt://, mqtts://, ws:// or wss://: ${options.url}`);
  if (!(Number.isFinite(scenario.intervalMs) && scenario.intervalMs >= 1))
    throw new Error(`intervalMs must be ≥ 1, got ${scenario.intervalMs}`);
  if (!(scenario.riskProbability >= 0 && scenario.riskProbability <= 1)) {
    throw new Error(`riskProbability must be 0–1, got ${scenario.riskProbability}`);
  }
  if (!(scenario.speed > 0)) throw new Error(`speed must be > 0, got ${scenario.speed}`);
  const seen = new Set<string>();
  for (const device of options.devices) {
    if (!isValidId(device.id) || !isValidId(device.gridId)) {
      throw new Error(`device ids must match ^[A-Za-z0-9_-]{1,64}$: ${device.gridId}/${device.id}`);
    }
    if (seen.has(device.id)) throw new Error(`duplicate device id ${device.id}`);
    seen.add(device.id);
  }
}

/** A type with nothing to measure (a camera) reports by a status heartbeat instead. */
function reportsByStatus(type: string): boolean {
  return Object.keys(deviceTypeSpec(type)?.metrics ?? {}).length === 0;
}

/** Free running: no script, each device with random incidents, until stopped. */
function freeRunning(options: SimulationOptions): Scenario {
  return {
    name: 'free-running',
    title: 'free running',
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    durationMs: undefined,
    speed: 1,
    riskProbability: options.riskProbability ?? DEFAULT_RISK_PROBABILITY,
    devices: {},
    steps: [],
  };
}

/**
 * Runs every device as its own MQTT client, per the device contract, playing a scenario (or
 * running free). Returns at once; devices connect in the background in batches and each starts
 * publishing once connected. A scenario's clock starts after the first connection pass, so a
 * seed replays the same messages at the same simulated times.
 */
export function startSimulation(options: SimulationOptions): Simulation {
  const base = options.scenario ?? freeRunning(options);
  const scenario = { ...base, speed: options.speed ?? base.speed };
  validateOptions(options, scenario);
  const selected = options.scenario ? selectDevices(options.devices, scenario.devices) : options.devices;
  const participants: PlanDevice[] = selected.map((device) => {
    if (!isSimulatedType(device.type))
      throw new Error(`device ${device.id}: no simulation for type ${device.type}`);
    return { id: device.id, gridId: device.gridId, type: device.type };
  });
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const log = options.log ?? (() => {});
  const counters: Counters = { sent: 0, acked: 0, errors: 0, readings: 0, reconnects: 0 };
  const faults: Partial<Record<MessageFault, number>> = {};
  const realStart = Date.now();
  const startMs =
    options.startMs ??
    (scenario.durationMs === undefined
      ? realStart
      : acceleratedStart(realStart, scenario.durationMs, scenario.speed));
  const plan = createPlan({
    devices: participants,
    scenario,
    seed,
    startMs,
    // One message per device per real ms at most, so epoch-ms never runs behind an earlier run.
    firstSeq: realStart,
    activeFromStart: false,
  });

  const connections = new Map<string, DeviceConnection>();
  selected.forEach((device, index) => {
    connections.set(
      device.id,
      createDeviceConnection({
        url: options.url,
        device,
        // Different periods per device, so a broker restart is not met by all devices at once.
        reconnectPeriodMs: 1000 + (index % CONNECT_BATCH_SIZE) * 100,
        counters,
        log,
        onConnect: () => plan.activate(device.id),
        ...(reportsByStatus(device.type)
          ? { heartbeatMs: options.heartbeatMs ?? reportIntervalOf(device.type) }
          : {}),
      }),
    );
  });

  const perform = (action: PlannedAction): void => {
    const connection = connections.get(action.deviceId);
    if (!connection) return;
    switch (action.kind) {
      case 'publish':
        for (const fault of action.faults) faults[fault] = (faults[fault] ?? 0) + 1;
        connection.publish(action.topic, action.payload, action.qos, action.readings);
        return;
      case 'drop':
        connection.drop();
        return;
      case 'restore':
        void connection.connect(CONNECT_TIMEOUT_MS);
        return;
      default: {
        const unreachable: never = action;
        throw new Error(`unknown action ${JSON.stringify(unreachable)}`);
      }
    }
  };

  let stopped = false;
  let clock: SimClock | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));

  const pump = (): void => {
    timer = undefined;
    if (stopped || !clock) return;
    for (const action of plan.takeDue(clock.now())) perform(action);
    const next = plan.nextAt();
    if (next === undefined) return finish();
    timer = setTimeout(pump, Math.min(MAX_SLEEP_MS, clock.realDelayUntil(next)));
  };

  const connecting = (async () => {
    const all = [...connections.values()];
    const startClock = () => {
      clock ??= createSimClock({ startMs, speed: scenario.speed });
      if (!timer) pump();
    };
    // Free running starts at once (devices join as they connect), as the demo always has.
    if (!options.scenario) startClock();
    for (let start = 0; start < all.length && !stopped; start += CONNECT_BATCH_SIZE) {
      await Promise.all(
        all
          .slice(start, start + CONNECT_BATCH_SIZE)
          .map((connection) => connection.connect(CONNECT_TIMEOUT_MS)),
      );
      log(`connect attempted for ${Math.min(start + CONNECT_BATCH_SIZE, all.length)}/${all.length} devices`);
    }
    if (!stopped) startClock();
  })().catch((error: unknown) => log(`connecting devices failed: ${String(error)}`));

  return {
    stats: () => ({
      ...counters,
      connected: [...connections.values()].filter((connection) => connection.isConnected()).length,
      faults: { ...faults },
      simNow: clock?.now(),
    }),
    triggerRisk: (deviceId) => plan.triggerRisk(deviceId),
    done,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...connections.values()].map((connection) => connection.stop(STOP_TIMEOUT_MS)));
      await connecting; // the batch in flight ends as its clients close
    },
  };
}
