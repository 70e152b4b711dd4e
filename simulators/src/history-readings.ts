import type { Reading } from '@gridsense/core';
import { createBehaviourState, isSimulatedType, nextTick } from './device-behaviour';
import { createRandom, deriveSeed } from './random';

const HOUR_MS = 3_600_000;
/**
 * One reading per device every 6 hours: the embedded store writes each value three times (raw,
 * minute and hour rollup), so hourly points for 90 days took ~25 s on a busy 2-core host; at 6 h
 * the 90-day and 1-year charts (6 h and 1 d windows) still have a point in every window.
 */
const DEFAULT_STEP_MS = 6 * HOUR_MS;
/** Readings handed to the store at once: one group commit's worth, not the whole history. */
const BATCH = 5_000;

export interface HistoryDevice {
  id: string;
  gridId: string;
  type: string;
}

/**
 * Writes `days` of past readings for the demo's devices, one per device and step, from the same
 * behaviour models the live simulator runs (with the odd incident), through the store's own
 * write, so the embedded store rolls them up in the same transaction and InfluxDB gets them as
 * line protocol like any other reading. Returns how many.
 */
export async function writeReadingsHistory(
  store: { writeReadings(readings: Reading[]): Promise<void> },
  devices: readonly HistoryDevice[],
  options: { now: number; days: number; seed?: number; stepMs?: number },
): Promise<number> {
  const seed = options.seed ?? 20261204;
  const step = options.stepMs ?? DEFAULT_STEP_MS;
  const first = Math.floor((options.now - options.days * 24 * HOUR_MS) / step) * step;
  const streams = devices.flatMap((device) => {
    const { type } = device;
    if (!isSimulatedType(type)) return [];
    const random = createRandom(deriveSeed(seed, device.id));
    return [{ device, type, random, state: createBehaviourState(type, first, random) }];
  });
  let batch: Reading[] = [];
  let written = 0;
  // Past readings carry no seq: ingest's seq book belongs to the live devices.
  for (let ts = first; ts < options.now; ts += step) {
    for (const stream of streams) {
      const tick = nextTick(stream.type, stream.state, { ts, random: stream.random, riskProbability: 0.01 });
      stream.state = tick.state;
      if (!tick.metrics) continue;
      batch.push({
        deviceId: stream.device.id,
        gridId: stream.device.gridId,
        deviceType: stream.type,
        ts,
        metrics: tick.metrics,
      });
    }
    if (batch.length >= BATCH) {
      await store.writeReadings(batch);
      written += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await store.writeReadings(batch);
  return written + batch.length;
}
