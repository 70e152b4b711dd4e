import type { Reading } from '@gridsense/core';
import { createBehaviourState, isSimulatedType, nextTick } from './device-behaviour';
import { createRandom, deriveSeed } from './random';

const HOUR_MS = 3_600_000;
/** Readings handed to the store at once: one group commit's worth, not the whole history. */
const BATCH = 5_000;

export interface HistoryDevice {
  id: string;
  gridId: string;
  type: string;
}

/**
 * Writes `days` of past readings for the demo's devices, one per device and hour, from the same
 * behaviour models the live simulator runs (with the odd incident), through the store's own
 * write, so the embedded store rolls them up in the same transaction and InfluxDB gets them as
 * line protocol like any other reading. Hourly points keep it quick (about 200k readings for the
 * demo) while every chart window of whole hours, up to a year, has data. Returns how many.
 */
export async function writeReadingsHistory(
  store: { writeReadings(readings: Reading[]): Promise<void> },
  devices: readonly HistoryDevice[],
  options: { now: number; days: number; seed?: number },
): Promise<number> {
  const seed = options.seed ?? 20261204;
  const first = Math.floor((options.now - options.days * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const streams = devices.flatMap((device) => {
    const { type } = device;
    if (!isSimulatedType(type)) return [];
    const random = createRandom(deriveSeed(seed, device.id));
    return [{ device, type, random, state: createBehaviourState(type, first, random) }];
  });
  let batch: Reading[] = [];
  let written = 0;
  // Past readings carry no seq: ingest's seq book belongs to the live devices.
  for (let ts = first; ts < options.now; ts += HOUR_MS) {
    for (const stream of streams) {
      const tick = nextTick(stream.type, stream.state, { ts, random: stream.random, riskProbability: 0.002 });
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
