import { deviceTopic } from '@gridsense/core';
import type { BehaviourState, Metrics } from './device-behaviour';
import type { ActiveFault } from './faults';
import type { Random } from './random';
import { selectDevices, type MetricSetting, type Step } from './scenario';
import type { PlanDevice, PlannedAction } from './scenario-plan';

/*
 * A scenario's steps as control points on the simulated timeline, and the per-device state
 * they change (metric overrides, active faults, outages with their buffered readings).
 */

/** At most this many readings per batch message (the device contract's limit). */
export const MAX_BATCH_READINGS = 500;

export interface Override {
  setting: MetricSetting;
  sinceMs: number;
}

export interface DeviceState {
  device: PlanDevice;
  random: Random;
  behaviour: BehaviourState;
  seq: number;
  active: boolean;
  forceIncident: boolean;
  overrides: Map<string, Override>;
  faults: ActiveFault[];
  offline: boolean;
  buffered: { ts: number; seq: number; metrics: Metrics }[];
  bufferedEvents: PlannedAction[];
}

export interface Control {
  at: number;
  order: number;
  apply(emit: (action: PlannedAction) => void): void;
}

/** Problems a scenario has with these devices (empty when it can run). */
export function publishEvent(
  state: DeviceState,
  at: number,
  event: { type: string; confidence?: number; attributes?: object },
  emit: (action: PlannedAction) => void,
): void {
  if (!state.active) return;
  const { device } = state;
  const action: PlannedAction = {
    kind: 'publish',
    at,
    deviceId: device.id,
    topic: deviceTopic(device.gridId, device.id, 'event'),
    payload: JSON.stringify({ ts: at, seq: state.seq++, ...event }),
    qos: 1,
    readings: 0,
    faults: [],
  };
  // A device that buffered through an outage sends its events after reconnecting.
  if (state.offline) state.bufferedEvents.push(action);
  else emit(action);
}

/** Outage over: reconnect, then the buffered readings as batches of at most 500, then events. */
function restore(state: DeviceState, at: number, emit: (action: PlannedAction) => void): void {
  if (!state.offline) return;
  state.offline = false;
  const { device } = state;
  emit({ kind: 'restore', at, deviceId: device.id });
  if (!state.active) return;
  for (let i = 0; i < state.buffered.length; i += MAX_BATCH_READINGS) {
    const readings = state.buffered.slice(i, i + MAX_BATCH_READINGS);
    emit({
      kind: 'publish',
      at,
      deviceId: device.id,
      topic: deviceTopic(device.gridId, device.id, 'telemetry'),
      payload: JSON.stringify({ readings }),
      qos: 1,
      readings: readings.length,
      faults: [],
    });
  }
  for (const event of state.bufferedEvents) emit({ ...event, at });
  state.buffered = [];
  state.bufferedEvents = [];
}

/** Each step becomes control points on the simulated timeline (start, and end when it has one). */
export function buildControls(
  steps: Step[],
  devices: PlanDevice[],
  states: Map<string, DeviceState>,
  startMs: number,
): Control[] {
  const controls: Control[] = [];
  const add = (at: number, apply: Control['apply']) => controls.push({ at, order: controls.length, apply });
  for (const step of steps) {
    const at = startMs + step.atMs;
    const targets = selectDevices(devices, step.target).map((device) => states.get(device.id)!);
    switch (step.do) {
      case 'set': {
        const added = new Map<DeviceState, Map<string, Override>>();
        add(at, () => {
          for (const state of targets) {
            const mine = new Map<string, Override>();
            for (const [name, setting] of Object.entries(step.metrics)) {
              const override = { setting, sinceMs: at };
              state.overrides.set(name, override);
              mine.set(name, override);
            }
            added.set(state, mine);
          }
        });
        if (step.forMs !== undefined)
          add(at + step.forMs, () => {
            // Only this step's own overrides end; a later step on the same metric stays.
            for (const [state, mine] of added)
              for (const [name, override] of mine)
                if (state.overrides.get(name) === override) state.overrides.delete(name);
          });
        break;
      }
      case 'clear':
        add(at, () => {
          for (const state of targets) [state.overrides, state.faults] = [new Map(), []];
        });
        break;
      case 'event':
        add(at, (emit) => targets.forEach((state) => publishEvent(state, at, step.event, emit)));
        break;
      case 'offline':
        add(at, (emit) => {
          for (const state of targets.filter((s) => !s.offline)) {
            state.offline = true;
            emit({ kind: 'drop', at, deviceId: state.device.id });
          }
        });
        add(at + step.forMs, (emit) => targets.forEach((state) => restore(state, at + step.forMs, emit)));
        break;
      case 'fault': {
        if (step.fault !== 'reconnect_storm') {
          const kind = step.fault;
          add(at, () => {
            for (const state of targets) {
              const fault = {
                kind,
                untilMs: at + step.forMs,
                everyN: step.everyN,
                skewMs: step.skewMs,
                seen: 0,
              };
              state.faults.push(fault);
            }
          });
          break;
        }
        const periodMs = step.everyN * 1000;
        const storms = Number.isFinite(step.forMs) ? Math.max(1, Math.ceil(step.forMs / periodMs)) : 1;
        for (let n = 0; n < storms; n++) {
          const stormAt = at + n * periodMs;
          add(stormAt, (emit) => {
            // Everyone at once: the connections drop and all devices reconnect in the same instant.
            const online = targets.filter((state) => !state.offline);
            for (const state of online) emit({ kind: 'drop', at: stormAt, deviceId: state.device.id });
            for (const state of online) emit({ kind: 'restore', at: stormAt, deviceId: state.device.id });
          });
        }
        break;
      }
      default: {
        const unreachable: never = step;
        throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return controls.sort((a, b) => a.at - b.at || a.order - b.order);
}
