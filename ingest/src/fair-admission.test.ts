import { afterEach, describe, expect, it } from 'vitest';
import { createIngestKit, type IngestKit } from './ingest-test-kit';

const FLOOD = 200;
const MAX_IN_FLIGHT = 20;
const MAX_BATCH = 10;
const END = 4_102_444_800_000;
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ingest admission while the store is slow', () => {
  let kit: IngestKit;
  afterEach(async () => {
    await kit?.cleanup();
  });

  it("acknowledges a quiet device's reading after at most one group commit, not behind another device's flood", async () => {
    kit = await createIngestKit({ maxInFlight: MAX_IN_FLIGHT, maxBatch: MAX_BATCH });
    const release = kit.store.hold();
    const acked: string[] = [];
    const send = async (deviceId: string, seq: number) => {
      const outcome = await kit.send(deviceId, 'telemetry', { seq, metrics: { smoke: 1 } });
      acked.push(`${deviceId}#${seq}`);
      return outcome;
    };
    const flood = Array.from({ length: FLOOD }, (_, i) => send('smoke-1', i + 1));
    await turn();
    expect(kit.store.writes).toBe(1); // the first group commit is stuck in the store
    expect(kit.ingest.status().inFlight).toEqual({ readings: MAX_IN_FLIGHT, waiting: FLOOD - MAX_IN_FLIGHT });

    const quiet = send('smoke-2', 1);
    await turn();
    release();
    expect(await quiet).toEqual({ outcome: 'accepted', stored: 1, duplicates: 0 });

    // Written in the commit after the stuck one, so acknowledged before most of the flood.
    const position = kit.store.written.findIndex((r) => r.deviceId === 'smoke-2');
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(2 * MAX_BATCH);
    expect(acked.indexOf('smoke-2#1')).toBeLessThan(2 * MAX_BATCH);

    // The flood loses nothing and keeps its order.
    await Promise.all(flood);
    const floodSeqs = kit.store.written.filter((r) => r.deviceId === 'smoke-1').map((r) => r.seq);
    expect(floodSeqs).toEqual(Array.from({ length: FLOOD }, (_, i) => i + 1));
    expect(acked.filter((a) => a.startsWith('smoke-1#'))).toEqual(floodSeqs.map((seq) => `smoke-1#${seq}`));
    expect(await kit.store.countReadings('smoke-1', 0, END)).toBe(FLOOD);
    expect(kit.ingest.status().inFlight).toEqual({ readings: 0, waiting: 0 });
  });
});
