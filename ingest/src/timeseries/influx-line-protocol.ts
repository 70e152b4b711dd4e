import type { DeviceEvent, Reading } from '@gridsense/core';

/**
 * InfluxDB line protocol for readings and events, built by hand: at ingest rates the `influx`
 * client's generic point formatting (schema coercion, per-point objects) cost more CPU than the
 * rest of the write. Same measurements, tags and field types as before (integer `seq`).
 */
export const TELEMETRY = 'telemetry';
export const EVENTS = 'events';

const NEEDS_KEY_ESCAPE = /[,= \\\n]/;

/** Tag keys and values, and field keys: commas, equals signs and spaces are escaped. */
function escapeKey(text: string): string {
  if (!NEEDS_KEY_ESCAPE.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/[,= ]/g, '\\$&').replace(/\n/g, '\\n');
}

function stringField(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function fieldValue(value: number | boolean | string): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return stringField(value);
  // A float field: an integral value without a decimal point still parses as a float.
  return String(value);
}

function tagSet(item: Reading | DeviceEvent): string {
  // Line protocol has no empty tag values; an absent tag reads back as ''.
  let tags = `,device_id=${escapeKey(item.deviceId)}`;
  if (item.gridId) tags += `,grid_id=${escapeKey(item.gridId)}`;
  if (item.deviceType) tags += `,device_type=${escapeKey(item.deviceType)}`;
  return tags;
}

/**
 * The series key of a device's readings, kept per device: it only changes when the device moves
 * to another grid or type, and it is the same for every reading in between.
 */
export class SeriesKeys {
  private readonly keys = new Map<string, { gridId: string; deviceType: string; key: string }>();

  telemetry(reading: Reading): string {
    const known = this.keys.get(reading.deviceId);
    if (known && known.gridId === reading.gridId && known.deviceType === reading.deviceType) return known.key;
    const key = TELEMETRY + tagSet(reading);
    if (this.keys.size > 200_000) this.keys.clear(); // bounded: a cache, not a registry
    this.keys.set(reading.deviceId, { gridId: reading.gridId, deviceType: reading.deviceType, key });
    return key;
  }
}

export function readingLine(reading: Reading, seriesKey: string): string {
  let fields = '';
  for (const name in reading.metrics) {
    fields += `${fields ? ',' : ''}${escapeKey(name)}=${fieldValue(reading.metrics[name]!)}`;
  }
  if (reading.seq !== undefined) fields += `,seq=${Math.trunc(reading.seq)}i`;
  return `${seriesKey} ${fields} ${Math.trunc(reading.ts)}`;
}

/** A point of GridSense's own measurements (rollups, their progress): tags, fields, ms time. */
export interface LinePoint {
  measurement: string;
  tags?: Record<string, string>;
  fields: Record<string, number | boolean | string>;
  timestamp: number;
}

export function pointLine(point: LinePoint): string {
  let key = escapeKey(point.measurement);
  for (const tag in point.tags) key += `,${escapeKey(tag)}=${escapeKey(point.tags[tag]!)}`;
  let fields = '';
  for (const name in point.fields)
    fields += `${fields ? ',' : ''}${escapeKey(name)}=${fieldValue(point.fields[name]!)}`;
  return `${key} ${fields} ${Math.trunc(point.timestamp)}`;
}

export function eventLine(event: DeviceEvent): string {
  // `type` is a tag, so two event types at the same ms are two series and both survive.
  // `attributes` is always written: a point needs at least one field.
  let fields = `attributes=${stringField(JSON.stringify(event.attributes ?? {}))}`;
  if (event.seq !== undefined) fields += `,seq=${Math.trunc(event.seq)}i`;
  if (event.confidence !== undefined) fields += `,confidence=${fieldValue(event.confidence)}`;
  if (event.snapshot !== undefined) fields += `,snapshot=${stringField(event.snapshot)}`;
  if (event.location)
    fields += `,lat=${fieldValue(event.location.lat)},lng=${fieldValue(event.location.lng)}`;
  return `${EVENTS}${tagSet(event)},type=${escapeKey(event.type)} ${fields} ${Math.trunc(event.ts)}`;
}
