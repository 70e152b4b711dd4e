import { deviceTypeSpec } from './device-types';

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

/** `ts` is epoch ms or RFC 3339; absent means receive time. */
export function decodeTimestamp(ts: unknown, now: number): Decoded<number> {
  let value: number;
  if (ts === undefined) value = now;
  else if (typeof ts === 'number' && Number.isFinite(ts) && ts >= 0) value = Math.trunc(ts);
  else if (typeof ts === 'string' && parseRfc3339(ts) !== undefined) value = parseRfc3339(ts)!;
  else return reject('bad_ts', 'ts must be epoch milliseconds or an RFC 3339 string');
  if (value - now > MAX_FUTURE_SKEW_MS) {
    return reject('future_ts', `ts is ${Math.round((value - now) / 1000)} s in the future`);
  }
  return { ok: true, value };
}

function decodeSeq(seq: unknown): Decoded<number | undefined> {
  if (seq === undefined) return { ok: true, value: undefined };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    return reject('bad_seq', 'seq must be a non-negative integer');
  }
  return { ok: true, value: seq };
}

function decodeMetrics(metrics: unknown, deviceType: string): Decoded<Record<string, number | boolean>> {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    return reject('bad_metrics', 'metrics must be an object');
  }
  const entries = Object.entries(metrics);
  if (entries.length < 1 || entries.length > MAX_METRICS) {
    return reject('bad_metrics', `metrics must have 1–${MAX_METRICS} entries, got ${entries.length}`);
  }
  const specs = deviceTypeSpec(deviceType)?.metrics ?? {};
  for (const [name, value] of entries) {
    if (!METRIC_NAME.test(name)) return reject('bad_metric_name', `metric name "${name.slice(0, 80)}"`);
    if (RESERVED_METRIC_NAMES.has(name))
      return reject('bad_metric_name', `metric name "${name}" is reserved`);
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
  return { ok: true, value: metrics as Record<string, number | boolean> };
}

function decodeOneReading(raw: unknown, device: DeviceIdentity, now: number): Decoded<Reading> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return reject('bad_shape', 'each reading must be an object');
  }
  const { ts, seq, metrics } = raw as Record<string, unknown>;
  const decodedTs = decodeTimestamp(ts, now);
  if (!decodedTs.ok) return decodedTs;
  const decodedSeq = decodeSeq(seq);
  if (!decodedSeq.ok) return decodedSeq;
  const decodedMetrics = decodeMetrics(metrics, device.deviceType);
  if (!decodedMetrics.ok) return decodedMetrics;
  const reading: Reading = { ...device, ts: decodedTs.value, metrics: decodedMetrics.value };
  if (decodedSeq.value !== undefined) reading.seq = decodedSeq.value;
  return { ok: true, value: reading };
}

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
    return one.ok ? { ok: true, value: [one.value] } : one;
  }
  if (!Array.isArray(body.readings) || body.readings.length === 0) {
    return reject('bad_shape', 'readings must be a non-empty array');
  }
  if (body.readings.length > MAX_BATCH_READINGS) {
    return reject('too_many_readings', `${body.readings.length} readings, limit ${MAX_BATCH_READINGS}`);
  }
  const readings: Reading[] = [];
  for (const [index, raw] of body.readings.entries()) {
    const one = decodeOneReading(raw, device, now);
    if (!one.ok) return reject(one.reason, `readings[${index}]: ${one.detail}`);
    readings.push(one.value);
  }
  return { ok: true, value: readings };
}

export function decodeEvent(payload: Uint8Array, device: DeviceIdentity, now: number): Decoded<DeviceEvent> {
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const { ts, seq, type, confidence, snapshot, location, attributes } = json.value;
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) return reject('bad_event_type', 'type is required');
  const decodedTs = decodeTimestamp(ts, now);
  if (!decodedTs.ok) return decodedTs;
  const decodedSeq = decodeSeq(seq);
  if (!decodedSeq.ok) return decodedSeq;
  const event: DeviceEvent = { ...device, ts: decodedTs.value, type };
  if (decodedSeq.value !== undefined) event.seq = decodedSeq.value;
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
