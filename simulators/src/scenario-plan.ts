import { deviceTypeSpec, type StandardDeviceType } from '@gridsense/core';
import { createBehaviourState, nextTick, type Metrics } from './device-behaviour';
import { applyFaults, type MessageFault } from './faults';
import { createRandom, deriveSeed } from './random';
import { selectDevices, type Scenario } from './scenario';
import { buildControls, publishEvent, type DeviceState, type Override } from './scenario-controls';

export { MAX_BATCH_READINGS } from './scenario-controls';

/**
 * A scenario turned into a deterministic stream of actions: the same devices, seed, start and
 * scenario give the same messages at the same simulated times, whatever the broker does. Pure
 * (no I/O, no clock): the player in `device-simulator.ts` asks for what is due and sends it.
 */
export interface PlanDevice {
  id: string;
  gridId: string;
  type: StandardDeviceType;
}

export type PlannedAction =
  | {
      kind: 'publish';
      at: number;
      deviceId: string;
      topic: string;
      payload: string;
      qos: 0 | 1;
      /** Readings carried (a batch after an outage carries many; events and faults carry 0/1). */
      readings: number;
      faults: MessageFault[];
    }
  /** The connection is cut without DISCONNECT (power loss): the broker publishes the last will. */
  | { kind: 'drop'; at: number; deviceId: string }
  | { kind: 'restore'; at: number; deviceId: string };

export interface PlanOptions {
  /** The devices taking part, in schedule order (device i ticks in slot i of the interval). */
  devices: PlanDevice[];
  scenario: Scenario;
  seed: number;
  /** Simulated time the schedule starts at (epoch ms). */
  startMs: number;
  firstSeq: number;
  /** Devices tick only once activated (connected); scenario runs activate all at once. */
  activeFromStart: boolean;
}

export interface Plan {
  /** Simulated end (undefined: runs until stopped). */
  endMs: number | undefined;
  /** Simulated time of the next action; undefined once everything has been played. */
  nextAt(): number | undefined;
  /** Every action due at or before `simNow`, in time order. */
  takeDue(simNow: number): PlannedAction[];
  activate(deviceId: string): void;
  /** Forces an incident on the device's next tick. */
  triggerRisk(deviceId: string): void;
}

export function checkScenario(scenario: Scenario, devices: PlanDevice[]): string[] {
  const problems: string[] = [];
  scenario.steps.forEach((step, index) => {
    const targets = selectDevices(devices, step.target);
    if (targets.length === 0) problems.push(`steps[${index}]: target matches no device`);
    if (step.do !== 'set') return;
    for (const device of targets) {
      const specs = deviceTypeSpec(device.type)?.metrics ?? {};
      for (const name of Object.keys(step.metrics)) {
        if (!Object.hasOwn(specs, name)) {
          problems.push(`steps[${index}]: ${name} is not a metric of ${device.type} (${device.id})`);
          return;
        }
      }
    }
  });
  return problems;
}

function settingAt(override: Override, at: number): number | boolean {
  const { setting } = override;
  if (typeof setting !== 'object') return setting;
  const progress = Math.min(1, Math.max(0, (at - override.sinceMs) / setting.overMs));
  return Math.round((setting.from + (setting.to - setting.from) * progress) * 1000) / 1000;
}

export function createPlan(options: PlanOptions): Plan {
  const { scenario, startMs } = options;
  const problems = checkScenario(scenario, options.devices);
  if (problems.length > 0) throw new Error(`scenario ${scenario.name}:\n  ${problems.join('\n  ')}`);
  const intervalMs = scenario.intervalMs;
  const count = options.devices.length;
  const endMs = scenario.durationMs === undefined ? undefined : startMs + scenario.durationMs;
  const states = new Map<string, DeviceState>();
  for (const device of options.devices) {
    const random = createRandom(deriveSeed(options.seed, device.id));
    states.set(device.id, {
      device,
      random,
      behaviour: createBehaviourState(device.type, startMs, random),
      seq: options.firstSeq,
      active: options.activeFromStart,
      forceIncident: false,
      overrides: new Map(),
      faults: [],
      offline: false,
      buffered: [],
      bufferedEvents: [],
    });
  }
  const ordered = [...states.values()];
  const controls = buildControls(scenario.steps, options.devices, states, startMs);
  let controlIndex = 0;
  let tickK = 0;
  let tickI = 0;
  const tickAt = (k: number, i: number) => startMs + Math.floor((i * intervalMs) / count) + k * intervalMs;

  function tick(state: DeviceState, at: number, emit: (action: PlannedAction) => void): void {
    if (!state.active) return;
    const { device } = state;
    const result = nextTick(device.type, state.behaviour, {
      ts: at,
      random: state.random,
      riskProbability: scenario.riskProbability,
      forceIncident: state.forceIncident,
    });
    state.behaviour = result.state;
    state.forceIncident = false;
    if (result.metrics) {
      const metrics: Metrics = { ...result.metrics };
      for (const [name, override] of state.overrides) metrics[name] = settingAt(override, at);
      const reading = { ts: at, seq: state.seq++, metrics };
      if (state.offline) state.buffered.push(reading);
      else {
        const message = { deviceId: device.id, gridId: device.gridId, type: device.type, ...reading };
        for (const out of applyFaults(message, state.faults)) {
          emit({ kind: 'publish', at, deviceId: device.id, ...out, readings: 1 });
        }
      }
    }
    if (result.event) publishEvent(state, at, { ...result.event }, emit);
  }

  const nextTickAt = (): number | undefined => {
    const at = tickAt(tickK, tickI);
    return count === 0 || (endMs !== undefined && at >= endMs) ? undefined : at;
  };

  return {
    endMs,
    nextAt() {
      const control = controls[controlIndex]?.at;
      const ticking = nextTickAt();
      if (control === undefined) return ticking;
      return ticking === undefined ? control : Math.min(control, ticking);
    },
    takeDue(simNow) {
      const due: PlannedAction[] = [];
      const emit = (action: PlannedAction) => due.push(action);
      for (;;) {
        const control = controls[controlIndex];
        const ticking = nextTickAt();
        if (control && control.at <= simNow && (ticking === undefined || control.at <= ticking)) {
          control.apply(emit);
          controlIndex++;
        } else if (ticking !== undefined && ticking <= simNow) {
          tick(ordered[tickI]!, ticking, emit);
          if (++tickI === count) [tickI, tickK] = [0, tickK + 1];
        } else return due;
      }
    },
    activate(deviceId) {
      const state = states.get(deviceId);
      if (state) state.active = true;
    },
    triggerRisk(deviceId) {
      const state = states.get(deviceId);
      if (!state) throw new Error(`unknown device ${deviceId}`);
      state.forceIncident = true;
    },
  };
}
