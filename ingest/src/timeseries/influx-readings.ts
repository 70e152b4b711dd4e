import type { Reading } from '@gridsense/core';
import { TELEMETRY } from './influx-line-protocol';
import { rowsOf, type InfluxQuery, type Row } from './influx-query';
import type { ReadingsQuery } from './time-series-store';

// Columns of a `SELECT *` on telemetry that are not metrics.
const NOT_METRICS = new Set(['time', 'device_id', 'grid_id', 'device_type', 'seq']);

/** Readings of every device in a time range, oldest first, then by device (`readingsBetween`). */
export async function readReadingsBetween(query: InfluxQuery, q: ReadingsQuery): Promise<Reading[]> {
  if (q.limit <= 0) return [];
  // Without GROUP BY, InfluxDB merges the series in time order and gives the tags as columns.
  const [result] = await query([
    `SELECT * FROM ${TELEMETRY} WHERE time >= ${Math.trunc(q.from)}ms AND time <= ${Math.trunc(q.to)}ms` +
      ` ORDER BY time LIMIT ${Math.trunc(q.limit)}`,
  ]);
  return rowsOf(result)
    .map(toReading)
    .sort((a, b) => a.ts - b.ts || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}

function toReading(row: Row): Reading {
  const reading: Reading = {
    deviceId: String(row.device_id),
    gridId: typeof row.grid_id === 'string' ? row.grid_id : '',
    deviceType: typeof row.device_type === 'string' ? row.device_type : '',
    ts: Number(row.time),
    metrics: {},
  };
  if (typeof row.seq === 'number') reading.seq = row.seq;
  for (const column in row) {
    const value = row[column];
    if (!NOT_METRICS.has(column) && (typeof value === 'number' || typeof value === 'boolean'))
      reading.metrics[column] = value;
  }
  return reading;
}
