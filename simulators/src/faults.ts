import { deviceTopic, deviceTypeSpec } from '@gridsense/core';
import type { Metrics } from './device-behaviour';
import type { FaultKind } from './scenario';

/**
 * Fault injection on one telemetry message, pure: what a faulty device or a broken gateway
 * would send instead. Connection faults (offline, reconnect storms) are actions in the plan.
 */
export type MessageFault = Exclude<FaultKind, 'reconnect_storm'>;

export interface ActiveFault {
  kind: MessageFault;
  untilMs: number;
  /** Applies to every n-th message of the device while active. */
  everyN: number;
  skewMs: number;
  /** Messages seen since the fault started. */
  seen: number;
  /** `stuck`: the readings the sensor froze at. */
  frozen?: Metrics;
}

export interface TelemetryMessage {
  deviceId: string;
  gridId: string;
  type: string;
  ts: number;
  seq: number;
  metrics: Metrics;
}

export interface Outgoing {
  topic: string;
  payload: string;
  qos: 0 | 1;
  /** The fault that shaped this message, if any (for the summary's counts). */
  faults: MessageFault[];
}

/** Order matters: values first, then time, then what reaches the wire. */
const ORDER: MessageFault[] = [
  'stuck',
  'spike',
  'out_of_range',
  'clock_skew',
  'malformed_json',
  'wrong_topic',
  'duplicate_seq',
];

function firstRanged(type: string, metrics: Metrics): [string, number, number] | undefined {
  for (const [name, spec] of Object.entries(deviceTypeSpec(type)?.metrics ?? {})) {
    if (spec.kind === 'number' && name in metrics && spec.min !== undefined && spec.max !== undefined)
      return [name, spec.min, spec.max];
  }
  return undefined;
}

function firstBoolean(metrics: Metrics): string | undefined {
  return Object.keys(metrics).find((name) => typeof metrics[name] === 'boolean');
}

/** A glitch that stays physically possible: +60 % of the range (booleans flip). */
function spike(type: string, metrics: Metrics): Metrics {
  const ranged = firstRanged(type, metrics);
  if (ranged) {
    const [name, min, max] = ranged;
    return { ...metrics, [name]: Math.min(max, Number(metrics[name]) + 0.6 * (max - min)) };
  }
  const flag = firstBoolean(metrics);
  return flag ? { ...metrics, [flag]: !metrics[flag] } : metrics;
}

/** Beyond the physical range, so the platform must reject it as bad data (booleans get a number). */
function outOfRange(type: string, metrics: Metrics): Metrics {
  const ranged = firstRanged(type, metrics);
  if (ranged) {
    const [name, min, max] = ranged;
    return { ...metrics, [name]: max + 0.5 * (max - min) };
  }
  const flag = firstBoolean(metrics);
  return flag ? { ...metrics, [flag]: 2 } : metrics;
}

/** Which of the active faults hit this message (advancing their counters). */
function hits(active: ActiveFault[], ts: number): ActiveFault[] {
  const hit: ActiveFault[] = [];
  for (const fault of active) {
    if (ts >= fault.untilMs) continue;
    fault.seen++;
    if ((fault.seen - 1) % fault.everyN === 0) hit.push(fault);
  }
  return hit.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** The message(s) a device sends for one reading, with the active faults applied. */
export function applyFaults(message: TelemetryMessage, active: ActiveFault[]): Outgoing[] {
  let { metrics, ts } = message;
  let topic = deviceTopic(message.gridId, message.deviceId, 'telemetry');
  let qos: 0 | 1 = 1;
  let truncate = false;
  let copies = 1;
  const applied: MessageFault[] = [];
  for (const fault of hits(active, message.ts)) {
    applied.push(fault.kind);
    switch (fault.kind) {
      case 'stuck':
        fault.frozen ??= metrics;
        metrics = fault.frozen;
        break;
      case 'spike':
        metrics = spike(message.type, metrics);
        break;
      case 'out_of_range':
        metrics = outOfRange(message.type, metrics);
        break;
      case 'clock_skew':
        ts += fault.skewMs;
        break;
      case 'malformed_json':
        truncate = true;
        break;
      case 'wrong_topic':
        // Another grid's prefix: the broker refuses it and disconnects the device. QoS 0, or the
        // client would resend the refused message after every reconnect, forever.
        topic = deviceTopic(message.gridId === 'G00' ? 'G99' : 'G00', message.deviceId, 'telemetry');
        qos = 0;
        break;
      case 'duplicate_seq':
        copies = 2;
        break;
      default: {
        const unreachable: never = fault.kind;
        throw new Error(`unknown fault ${String(unreachable)}`);
      }
    }
  }
  const body = JSON.stringify({ ts, seq: message.seq, metrics });
  const payload = truncate ? body.slice(0, Math.floor(body.length / 2)) : body;
  return Array.from({ length: copies }, () => ({ topic, payload, qos, faults: applied }));
}
