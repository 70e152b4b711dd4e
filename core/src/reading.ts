import { deviceTypeSpec, type MetricSpec } from './device-types';

/** One accepted telemetry reading: a device's metrics at one instant. */
export interface Reading {
  deviceId: string;
  gridId: string;
  deviceType: string;
  ts: number;
  seq?: number;
  metrics: Record<string, number | boolean>;
}

/** One accepted device event (camera / AI box / discrete alarm). */
export interface DeviceEvent {
  deviceId: string;
  gridId: string;
  deviceType: string;
  ts: number;
  seq?: number;
  type: string;
  confidence?: number;
  snapshot?: string;
  location?: { lat: number; lng: number };
  attributes?: Record<string, unknown>;
}

export type RejectReason =
  | 'bad_topic'
  | 'too_large'
  | 'bad_json'
  | 'bad_shape'
  | 'bad_ts'
  | 'future_ts'
  | 'bad_seq'
  | 'bad_metrics'
  | 'bad_metric_name'
  | 'bad_metric_value'
  | 'out_of_range'
  | 'too_many_readings'
  | 'bad_event_type'
  | 'bad_confidence'
  | 'bad_snapshot'
  | 'bad_location'
  | 'bad_status';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string };

export interface DeviceIdentity {
  deviceId: string;
  gridId: string;
  deviceType: string;
}

export const MAX_PAYLOAD_BYTES = 16 * 1024;
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const MAX_BATCH_READINGS = 500;
export const MAX_METRICS = 64;
const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Names the time-series store uses itself (`seq` field, InfluxDB's `time`). */
const RESERVED_METRIC_NAMES = new Set(['seq', 'time']);
const EVENT_TYPE = METRIC_NAME;

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// RFC 3339 date-time: seconds and an offset are required (a bare local time means nothing).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch ms of a strict RFC 3339 string, or undefined (also for impossible dates like Feb 30). */
function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  ) {
    return undefined;
  }
  const value = Date.parse(text);
  return Number.isNaN(value) ? undefined : value;
}

const reject = (
  reason: RejectReason,
  detail: string,
): { ok: false; reason: RejectReason; detail: string } => ({
  ok: false,
  reason,
  detail,
});

function parseJsonObject(payload: Uint8Array): Decoded<Record<string, unknown>> {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return reject('too_large', `payload is ${payload.byteLength} bytes, limit ${MAX_PAYLOAD_BYTES}`);
  }
  let parsed: unknown;
  try {
    // fatal: invalid UTF-8 is an error, not silently replaced with U+FFFD.
    parsed = JSON.parse(UTF8.decode(payload));
  } catch (error) {
    return reject('bad_json', (error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('bad_shape', 'payload must be a JSON object');
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

type Rejected = Extract<Decoded<never>, { ok: false }>;

// The three checks below return the value itself or a rejection, not a `Decoded` wrapper: they
// run for every reading, and a wrapper per check was garbage the collector paid for under load.

/** `ts` as epoch ms (absent means receive time), or why not. */
function timestampOf(ts: unknown, now: number): number | Rejected {
  let value: number;
  if (ts === undefined) value = now;
  else if (typeof ts === 'number' && Number.isFinite(ts) && ts >= 0) value = Math.trunc(ts);
  else if (typeof ts === 'string' && parseRfc3339(ts) !== undefined) value = parseRfc3339(ts)!;
  else return reject('bad_ts', 'ts must be epoch milliseconds or an RFC 3339 string');
  if (value - now > MAX_FUTURE_SKEW_MS) {
    return reject('future_ts', `ts is ${Math.round((value - now) / 1000)} s in the future`);
  }
  return value;
}

/** `ts` is epoch ms or RFC 3339; absent means receive time. */
export function decodeTimestamp(ts: unknown, now: number): Decoded<number> {
  const value = timestampOf(ts, now);
  return typeof value === 'number' ? { ok: true, value } : value;
}

function seqOf(seq: unknown): number | undefined | Rejected {
  if (seq === undefined) return undefined;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    return reject('bad_seq', 'seq must be a non-negative integer');
  }
  return seq;
}

/** Metric names already found well-formed and not reserved; a device sends the same few again. */
const WELL_FORMED_NAMES = new Set<string>();
const WELL_FORMED_NAMES_KEPT = 10_000;
const NO_SPECS: Record<string, MetricSpec> = {};

function nameProblem(name: string): Rejected | undefined {
  if (WELL_FORMED_NAMES.has(name)) return undefined;
  if (!METRIC_NAME.test(name)) return reject('bad_metric_name', `metric name "${name.slice(0, 80)}"`);
  if (RESERVED_METRIC_NAMES.has(name)) return reject('bad_metric_name', `metric name "${name}" is reserved`);
  if (WELL_FORMED_NAMES.size >= WELL_FORMED_NAMES_KEPT) WELL_FORMED_NAMES.clear();
  WELL_FORMED_NAMES.add(name);
  return undefined;
}

/** Why `metrics` breaks the contract for this device type, or undefined when it does not. */
function metricsProblem(metrics: unknown, deviceType: string): Rejected | undefined {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    return reject('bad_metrics', 'metrics must be an object');
  }
  const names = Object.keys(metrics);
  if (names.length < 1 || names.length > MAX_METRICS) {
    return reject('bad_metrics', `metrics must have 1–${MAX_METRICS} entries, got ${names.length}`);
  }
  const specs = deviceTypeSpec(deviceType)?.metrics ?? NO_SPECS;
  for (const name of names) {
    const badName = nameProblem(name);
    if (badName) return badName;
    const value = (metrics as Record<string, unknown>)[name];
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (typeof value === 'boolean') {
      if (spec?.kind === 'number') return reject('bad_metric_value', `${name} must be a number`);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return reject('bad_metric_value', `${name} must be a finite number or a boolean`);
    }
    if (spec?.kind === 'boolean') return reject('bad_metric_value', `${name} must be a boolean`);
    if (
      spec &&
      ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
    ) {
      return reject('out_of_range', `${name}=${value} outside ${spec.min}–${spec.max} ${spec.unit}`);
    }
  }
  return undefined;
}

function decodeOneReading(raw: unknown, device: DeviceIdentity, now: number): Reading | Rejected {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('bad_shape', 'each reading must be an object');
  }
  const { ts, seq, metrics } = raw as Record<string, unknown>;
  const stamp = timestampOf(ts, now);
  if (typeof stamp !== 'number') return stamp;
  const number = seqOf(seq);
  if (typeof number === 'object') return number;
  const problem = metricsProblem(metrics, device.deviceType);
  if (problem) return problem;
  const reading: Reading = {
    deviceId: device.deviceId,
    gridId: device.gridId,
    deviceType: device.deviceType,
    ts: stamp,
    metrics: metrics as Record<string, number | boolean>,
  };
  if (number !== undefined) reading.seq = number;
  return reading;
}

const isRejected = (value: Reading | Rejected): value is Rejected => 'ok' in value;

/**
 * Decodes a telemetry payload (one reading or `{readings: [...]}`) per the device contract.
 * A batch is all-or-nothing: one bad reading rejects the message, so a device never has to
 * guess which part was kept.
 */
export function decodeTelemetry(
  payload: Uint8Array,
  device: DeviceIdentity,
  now: number,
): Decoded<Reading[]> {
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const body = json.value;
  if (!('readings' in body)) {
    const one = decodeOneReading(body, device, now);
    return isRejected(one) ? one : { ok: true, value: [one] };
  }
  if (!Array.isArray(body.readings) || body.readings.length === 0) {
    return reject('bad_shape', 'readings must be a non-empty array');
  }
  if (body.readings.length > MAX_BATCH_READINGS) {
    return reject('too_many_readings', `${body.readings.length} readings, limit ${MAX_BATCH_READINGS}`);
  }
  const readings: Reading[] = [];
  for (let index = 0; index < body.readings.length; index++) {
    const one = decodeOneReading(body.readings[index], device, now);
    if (isRejected(one)) return reject(one.reason, `readings[${index}]: ${one.detail}`);
    readings.push(one);
  }
  return { ok: true, value: readings };
}

export function decodeEvent(payload: Uint8Array, device: DeviceIdentity, now: number): Decoded<DeviceEvent> {
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const { ts, seq, type, confidence, snapshot, location, attributes } = json.value;
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) return reject('bad_event_type', 'type is required');
  const stamp = timestampOf(ts, now);
  if (typeof stamp !== 'number') return stamp;
  const number = seqOf(seq);
  if (typeof number === 'object') return number;
  const event: DeviceEvent = { ...device, ts: stamp, type };
  if (number !== undefined) event.seq = number;
  if (confidence !== undefined) {
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
      return reject('bad_confidence', 'confidence must be 0–1');
    }
    event.confidence = confidence;
  }
  if (snapshot !== undefined) {
    if (typeof snapshot !== 'string' || !/^https?:\/\/\S+$/.test(snapshot)) {
      return reject('bad_snapshot', 'snapshot must be an http(s) URL');
    }
    event.snapshot = snapshot;
  }
  if (location !== undefined) {
    const { lat, lng } = (location ?? {}) as Record<string, unknown>;
    if (typeof lat !== 'number' || typeof lng !== 'number' || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      return reject('bad_location', 'location must be {lat, lng} in WGS-84');
    }
    event.location = { lat, lng };
  }
  if (attributes !== undefined) {
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
      return reject('bad_shape', 'attributes must be an object');
    }
    event.attributes = attributes as Record<string, unknown>;
  }
  return { ok: true, value: event };
}

export type DeviceState = 'online' | 'offline';

export function decodeStatus(payload: Uint8Array): Decoded<DeviceState> {
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const state = json.value.state;
  if (state !== 'online' && state !== 'offline')
    return reject('bad_status', 'state must be online or offline');
  return { ok: true, value: state };
}
