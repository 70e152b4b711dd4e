import type { DeviceEvent, Reading } from '@gridsense/core';
import type { TimeSeriesStore } from './timeseries';

export interface ReadingsMigrationDeps {
  from: TimeSeriesStore;
  to: TimeSeriesStore;
  /** Grid and type of a device, for readings of a store that does not keep them (the embedded one). */
  deviceOf(deviceId: string): { gridId: string; type: string } | undefined;
  /** One line per page copied. */
  progress(line: string): void;
  /** Readings (or events) read per page (default 10,000: old InfluxDB 1.x servers cut answers there). */
  pageSize?: number;
  /** Readings (or events) per write (default 5,000, ingest's largest group commit). */
  writeSize?: number;
}

export interface ReadingsMigrationResult {
  readings: number;
  events: number;
  devices: number;
  /** Readings whose device is in neither the store nor the device registry: stored without grid and type. */
  untagged: number;
  /** Devices with fewer readings in the target than in the source afterwards (should be none). */
  shortfalls: { deviceId: string; source: number; target: number }[];
}

// Bounds every reading lies in (InfluxDB's time ends in 2262).
const EARLIEST = 0;
const LATEST = 9_000_000_000_000;

/**
 * Copies every raw reading and event from one store to the other, oldest first, a page at a time.
 * Both stores keep one point per (device, ts), so a point copied twice (a second run) is still
 * one. Afterwards each device's readings are counted in both stores over the range copied.
 * Rollups follow from the raw readings in the target (the embedded store at once, InfluxDB's task).
 */
export async function migrateReadings(deps: ReadingsMigrationDeps): Promise<ReadingsMigrationResult> {
  const pageSize = deps.pageSize ?? 10_000;
  const writeSize = deps.writeSize ?? 5_000;
  const result: ReadingsMigrationResult = { readings: 0, events: 0, devices: 0, untagged: 0, shortfalls: [] };
  const spans = new Map<string, { first: number; last: number }>();

  const readings = pagesInTime((from, to, limit) => deps.from.readingsBetween({ from, to, limit }), pageSize);
  for await (const page of readings) {
    for (const reading of page) {
      noteSpan(spans, reading);
      if (reading.gridId && reading.deviceType) continue;
      const device = deps.deviceOf(reading.deviceId);
      if (device) Object.assign(reading, { gridId: device.gridId, deviceType: device.type });
      else result.untagged++;
    }
    for (let i = 0; i < page.length; i += writeSize)
      await deps.to.writeReadings(page.slice(i, i + writeSize));
    result.readings += page.length;
    deps.progress(`readings ${result.readings.toLocaleString('en')} copied, through ${isoOf(page)}`);
  }

  const events = pagesInTime((from, to, limit) => deps.from.eventsBetween({ from, to, limit }), pageSize);
  for await (const page of events) {
    for (let i = 0; i < page.length; i += writeSize) await deps.to.writeEvents(page.slice(i, i + writeSize));
    result.events += page.length;
    deps.progress(`events ${result.events.toLocaleString('en')} copied, through ${isoOf(page)}`);
  }

  result.devices = spans.size;
  for (const [deviceId, { first, last }] of spans) {
    const source = await deps.from.countReadings(deviceId, first, last);
    const target = await deps.to.countReadings(deviceId, first, last);
    if (target < source) result.shortfalls.push({ deviceId, source, target });
  }
  return result;
}

/**
 * Every item oldest first, page by page. A full page ends before its last millisecond, which the
 * next page starts with, so items sharing a millisecond are never split between pages (or skipped).
 */
async function* pagesInTime<T extends Reading | DeviceEvent>(
  read: (from: number, to: number, limit: number) => Promise<T[]>,
  limit: number,
): AsyncGenerator<T[]> {
  let from = EARLIEST;
  for (;;) {
    const page = await read(from, LATEST, limit);
    if (page.length < limit) {
      if (page.length > 0) yield page;
      return;
    }
    const lastTs = page.at(-1)!.ts;
    const whole = page.filter((item) => item.ts < lastTs);
    if (whole.length > 0) {
      yield whole;
      from = lastTs;
      continue;
    }
    // A whole page in one millisecond: read that millisecond alone, as much as it holds.
    let size = limit * 2;
    let instant = await read(lastTs, lastTs, size);
    while (instant.length === size) instant = await read(lastTs, lastTs, (size *= 2));
    yield instant;
    from = lastTs + 1;
  }
}

function noteSpan(spans: Map<string, { first: number; last: number }>, reading: Reading): void {
  const span = spans.get(reading.deviceId);
  if (!span) spans.set(reading.deviceId, { first: reading.ts, last: reading.ts });
  else span.last = Math.max(span.last, reading.ts);
}

const isoOf = (page: readonly { ts: number }[]) => new Date(page.at(-1)!.ts).toISOString();
