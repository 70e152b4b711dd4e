import type { DeviceEvent, Reading } from '@gridsense/core';

export type Aggregate = 'mean' | 'min' | 'max' | 'last' | 'count';

/** The newest value of each metric, with the time it was measured. */
export type LatestValues = Record<string, { ts: number; value: number | boolean }>;

export interface RangeQuery {
  deviceId: string;
  metric: string;
  /** Inclusive bounds, epoch ms. */
  from: number;
  to: number;
  /** Windows are aligned to the epoch: a window's `ts` is `floor(ts / windowMs) * windowMs`. */
  windowMs: number;
  agg: Aggregate;
}

/** One series over a group of devices (a grid's): each window aggregates all their readings. */
export interface DevicesRangeQuery extends Omit<RangeQuery, 'deviceId'> {
  deviceIds: string[];
}

/** Epoch-ms cut-offs: data older is deleted (retention); an absent one keeps everything. */
export interface RetentionCutoffs {
  rawBefore?: number;
  minuteRollupsBefore?: number;
  hourRollupsBefore?: number;
}

/** Raw points of one metric, for replaying history (rule backtests). */
export interface RawQuery {
  deviceId: string;
  metric: string;
  /** Inclusive bounds, epoch ms. */
  from: number;
  to: number;
  limit: number;
}

export interface RawPoint {
  ts: number;
  value: number | boolean;
  /** When the backend keeps it per point (the embedded store does; InfluxDB is not asked). */
  seq?: number;
}

/** Readings of every device in a time range (copying history from one store to another). */
export interface ReadingsQuery {
  /** Inclusive bounds, epoch ms. */
  from: number;
  to: number;
  limit: number;
}

/** Events in a time range, narrowed by any of device, grid and type. */
export interface EventQuery {
  deviceId?: string;
  gridId?: string;
  type?: string;
  from: number;
  to: number;
  limit: number;
}

/**
 * Where accepted readings and device events live. Two backends serve it: InfluxDB (v1 HTTP API)
 * and an embedded SQLite store for running without InfluxDB; `store-contract.ts` holds both to it.
 */
export interface TimeSeriesStore {
  /**
   * Resolves only once the readings are durable (written). A reading repeating the (deviceId,
   * metric, ts) of a stored one is stored once: ingest gives a redelivery its first copy's ts, so
   * that is a repeat. The same seq with another ts is kept (a rebooted device counts afresh).
   */
  writeReadings(readings: Reading[]): Promise<void>;
  /** An event repeating the device, type and ts of a stored one is stored once (a redelivery). */
  writeEvents(events: DeviceEvent[]): Promise<void>;
  /** Latest value per metric of one device; `{}` when the device has no readings. */
  latest(deviceId: string): Promise<LatestValues>;
  /** Latest values for many devices at once (the console overview), keyed by deviceId; every asked id is a key. */
  latestForDevices(deviceIds: string[]): Promise<Map<string, LatestValues>>;
  /** A range, aggregated into windows of windowMs; windows with no data are omitted. Booleans count as 1/0. */
  range(query: RangeQuery): Promise<{ ts: number; value: number }[]>;
  /** Number of stored readings of a device (distinct seq when seq is present) in [from, to] — used by loss tests. */
  countReadings(deviceId: string, from: number, to: number): Promise<number>;
  /** Newest first. An empty `attributes` object may read back as absent. */
  recentEvents(deviceId: string, limit: number): Promise<DeviceEvent[]>;
  /** Like `range`, over several devices at once (per-grid aggregates); an empty list gives []. */
  aggregateDevices(query: DevicesRangeQuery): Promise<{ ts: number; value: number }[]>;
  /** Deletes readings and rollups older than their cut-offs. */
  applyRetention(cutoffs: RetentionCutoffs): Promise<void>;
  /** Points of one metric in [from, to], oldest first, at most `limit`; booleans stay booleans. */
  readRaw(query: RawQuery): Promise<RawPoint[]>;
  /** Events in [from, to], oldest first, at most `limit`. */
  eventsBetween(query: EventQuery): Promise<DeviceEvent[]>;
  /**
   * Readings of every device in [from, to], oldest first (then by device), at most `limit`, each
   * with all its metrics. `gridId` and `deviceType` are '' where the store does not keep them
   * (the embedded store). The embedded store builds an index on time at its first call.
   */
  readingsBetween(query: ReadingsQuery): Promise<Reading[]>;
  close(): Promise<void>;
}

/** Throws on a query no backend can answer, so both fail the same way instead of differently. */
export function assertValidRange(query: Pick<RangeQuery, 'from' | 'to' | 'windowMs'>): void {
  if (!Number.isSafeInteger(query.windowMs) || query.windowMs <= 0) {
    throw new RangeError(`windowMs must be a positive integer, got ${query.windowMs}`);
  }
  if (!Number.isFinite(query.from) || !Number.isFinite(query.to) || query.from > query.to) {
    throw new RangeError(`invalid range ${query.from}..${query.to}`);
  }
}
