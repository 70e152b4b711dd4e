import type { DeviceEvent, Reading } from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createSwitchableStore } from './ingest-test-kit';
import { migrateReadings } from './readings-migration';
import { createEmbeddedStore, type TimeSeriesStore } from './timeseries';

const T0 = Date.UTC(2026, 0, 1);
const DEVICES: Record<string, { gridId: string; type: string }> = {
  'smoke-1': { gridId: 'G01', type: 'smoke_detector' },
  'door-1': { gridId: 'G02', type: 'door_sensor' },
};
const reading = (deviceId: string, offset: number, seq: number | undefined, metrics: Reading['metrics']) => ({
  deviceId,
  gridId: 'ignored-by-the-embedded-store',
  deviceType: 'ignored',
  ts: T0 + offset,
  ...(seq === undefined ? {} : { seq }),
  metrics,
});

describe('migrateReadings (embedded store to embedded store)', () => {
  const stores: TimeSeriesStore[] = [];
  const open = () => {
    const store = createEmbeddedStore({ path: ':memory:' });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('copies every reading and event once, in time order, across pages that share a millisecond', async () => {
    const from = open();
    const source: Reading[] = [];
    // Five readings in one millisecond (more than a page of 3), then a stretch of single ones.
    for (let d = 0; d < 5; d++) source.push(reading(`crowd-${d}`, 0, 1, { people: d }));
    for (let i = 0; i < 20; i++)
      source.push(reading('smoke-1', 1000 + i * 10, i + 1, { smoke: i, alarm: i > 15 }));
    source.push(reading('door-1', 1055, undefined, { open: true }));
    source.push(reading('door-1', 1055 + 3, 9, { open: false }));
    await from.writeReadings(source);
    const events: DeviceEvent[] = [0, 1, 2, 3].map((i) => ({
      deviceId: 'cam-1',
      gridId: 'G01',
      deviceType: 'camera',
      ts: T0 + 500 + (i < 2 ? 0 : i),
      type: i % 2 ? 'fire_smoke' : 'crowd_gathering',
      seq: i,
    }));
    await from.writeEvents(events);

    const target = createSwitchableStore(open());
    const lines: string[] = [];
    const run = () =>
      migrateReadings({
        from,
        to: target,
        deviceOf: (id) => DEVICES[id],
        progress: (line) => lines.push(line),
        pageSize: 3,
        writeSize: 2,
      });

    const first = await run();
    expect(first).toEqual({ readings: 27, events: 4, devices: 7, untagged: 5, shortfalls: [] });
    const written = target.written.map((r) => `${r.ts - T0} ${r.deviceId} ${r.seq}`);
    expect(new Set(written).size).toBe(27);
    expect(target.written.map((r) => r.ts)).toEqual(
      [...target.written.map((r) => r.ts)].sort((a, b) => a - b),
    );
    // Grid and type come from the device registry, which does not know the crowd counters.
    expect(target.written.find((r) => r.deviceId === 'door-1')).toMatchObject({
      gridId: 'G02',
      deviceType: 'door_sensor',
      metrics: { open: true },
    });
    expect(target.written.find((r) => r.deviceId === 'crowd-3')).toMatchObject({
      gridId: '',
      deviceType: '',
    });
    expect(lines.at(-1)).toBe('events 4 copied, through 2026-01-01T00:00:00.503Z');

    // A second run writes the same points again: still one each.
    expect(await run()).toMatchObject({ readings: 27, shortfalls: [] });
    expect(await target.countReadings('smoke-1', 0, T0 + 10_000)).toBe(20);
    expect(await target.countReadings('door-1', 0, T0 + 10_000)).toBe(2);
    const alarms = await target.readRaw({
      deviceId: 'smoke-1',
      metric: 'alarm',
      from: 0,
      to: T0 + 10_000,
      limit: 50,
    });
    expect(alarms.map((p) => p.value)).toEqual(Array.from({ length: 20 }, (_, i) => i > 15));
    const copiedEvents = await target.eventsBetween({ from: 0, to: T0 + 10_000, limit: 10 });
    expect(copiedEvents.map((e) => `${e.ts - T0} ${e.type} ${e.seq}`)).toEqual([
      '500 crowd_gathering 0',
      '500 fire_smoke 1',
      '502 crowd_gathering 2',
      '503 fire_smoke 3',
    ]);
  });

  it('reports a device the target holds fewer readings of', async () => {
    const from = open();
    await from.writeReadings([
      reading('smoke-1', 0, 1, { smoke: 1 }),
      reading('smoke-1', 10, 2, { smoke: 2 }),
    ]);
    const lossy = createSwitchableStore(open());
    // A target that drops what it is given (as a store writing into the wrong place would).
    lossy.writeReadings = async () => {};
    const result = await migrateReadings({ from, to: lossy, deviceOf: () => undefined, progress: () => {} });
    expect(result.shortfalls).toEqual([{ deviceId: 'smoke-1', source: 2, target: 0 }]);
  });
});
