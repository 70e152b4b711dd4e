import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceEvent, Reading } from '@gridsense/core';
import type { Aggregate, TimeSeriesStore } from './time-series-store';

export type MakeStore = () => Promise<{ store: TimeSeriesStore; cleanup(): Promise<void> }>;

// Window-aligned and recent enough for any retention policy a test server would have.
const T0 = Date.UTC(2025, 0, 1);
const D1 = 'dev-1';
const D2 = 'dev-2';

function reading(deviceId: string, offsetMs: number, metrics: Reading['metrics'], seq?: number): Reading {
  const r: Reading = { deviceId, gridId: 'grid-1', deviceType: 'smoke_detector', ts: T0 + offsetMs, metrics };
  if (seq !== undefined) r.seq = seq;
  return r;
}

// temp of D1 per 1 s window — w0: 10, 35, 15 · w1: 5 · w2: none · w3: 9, 7. Written out of time order,
// so `last` and `latest` cannot pass by returning whatever was written last.
const TEMPERATURES: [number, number][] = [
  [3600, 7],
  [100, 35],
  [900, 15],
  [0, 10],
  [3500, 9],
  [1000, 5],
];
const AGGREGATED: Record<Aggregate, number[]> = {
  mean: [20, 5, 8],
  min: [10, 5, 7],
  max: [35, 5, 9],
  last: [15, 5, 7],
  count: [3, 1, 2],
};
// open of D1 — w0: true, false, true · w1: false.
const OPENED: Record<Aggregate, number[]> = {
  mean: [2 / 3, 0],
  min: [0, 0],
  max: [1, 0],
  last: [1, 0],
  count: [3, 1],
};
const AGGREGATES = Object.keys(AGGREGATED) as Aggregate[];

/**
 * The behaviour every TimeSeriesStore backend must share. Each test gets a fresh, empty store.
 */
export function describeTimeSeriesStoreContract(name: string, makeStore: MakeStore): void {
  describe(name, () => {
    let store: TimeSeriesStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup();
    });

    const writeTemperatures = async (): Promise<void> => {
      await store.writeReadings(TEMPERATURES.map(([offset, temp]) => reading(D1, offset, { temp })));
      // Neighbours that must not leak into D1's temp: another device, another metric.
      await store.writeReadings([reading(D2, 500, { temp: 1000 }), reading(D1, 500, { humidity: 50 })]);
    };

    it('returns the latest value of each metric, booleans as booleans', async () => {
      await store.writeReadings([
        reading(D1, 2000, { temp: 19 }),
        reading(D2, 5000, { temp: 99, open: false }),
      ]);
      await store.writeReadings([
        reading(D1, 0, { temp: 20.5, open: false }),
        reading(D1, 1000, { temp: 21, open: true }),
      ]);

      expect(await store.latest(D1)).toStrictEqual({
        temp: { ts: T0 + 2000, value: 19 },
        open: { ts: T0 + 1000, value: true },
      });
      expect(await store.latest('nobody')).toStrictEqual({});
    });

    it('returns latest values for many devices, with every asked id as a key', async () => {
      await store.writeReadings([
        reading(D1, 0, { temp: 20 }),
        reading(D1, 1000, { temp: 21 }),
        reading(D2, 500, { open: true }),
        reading('dev-3', 700, { temp: 7 }),
      ]);

      const latest = await store.latestForDevices([D1, D2, 'nobody']);

      expect([...latest.keys()].sort()).toEqual([D1, D2, 'nobody']);
      expect(latest.get(D1)).toStrictEqual({ temp: { ts: T0 + 1000, value: 21 } });
      expect(latest.get(D2)).toStrictEqual({ open: { ts: T0 + 500, value: true } });
      expect(latest.get('nobody')).toStrictEqual({});
      expect((await store.latestForDevices([])).size).toBe(0);
    });

    it('keeps a reading that reuses a stored seq at another time (a rebooted device counts afresh)', async () => {
      await store.writeReadings([reading(D1, 1000, { temp: 20 }, 1)]);
      await store.writeReadings([reading(D1, 9000, { temp: 25 }, 1)]);

      const values = await store.range({
        deviceId: D1,
        metric: 'temp',
        from: T0,
        to: T0 + 10_000,
        windowMs: 1000,
        agg: 'max',
      });
      expect(values).toEqual([
        { ts: T0 + 1000, value: 20 },
        { ts: T0 + 9000, value: 25 },
      ]);
    });

    it('stores a reading repeated with the same (deviceId, seq) once', async () => {
      const batch = [1, 2, 3].map((seq) => reading(D1, seq * 1000, { temp: seq }, seq));
      await store.writeReadings(batch);
      await store.writeReadings([batch[1]!, batch[2]!, batch[2]!]); // a redelivery, repeated within a call too

      expect(await store.countReadings(D1, T0, T0 + 10_000)).toBe(3);
      const counts = await store.range({
        deviceId: D1,
        metric: 'temp',
        from: T0,
        to: T0 + 10_000,
        windowMs: 60_000,
        agg: 'count',
      });
      expect(counts).toEqual([{ ts: T0, value: 3 }]);
    });

    it.each(AGGREGATES)('aggregates a range into windows: %s', async (agg) => {
      await writeTemperatures();

      const windows = await store.range({
        deviceId: D1,
        metric: 'temp',
        from: T0,
        to: T0 + 3999,
        windowMs: 1000,
        agg,
      });

      const starts = [T0, T0 + 1000, T0 + 3000]; // T0 + 2000 has no data and is omitted
      expect(windows).toEqual(AGGREGATED[agg].map((value, i) => ({ ts: starts[i], value })));
    });

    it.each(AGGREGATES)('counts booleans as 1/0 in a range: %s', async (agg) => {
      const opened: [number, boolean][] = [
        [400, true],
        [0, true],
        [200, false],
        [1500, false],
      ];
      await store.writeReadings(opened.map(([offset, open]) => reading(D1, offset, { open })));

      const windows = await store.range({
        deviceId: D1,
        metric: 'open',
        from: T0,
        to: T0 + 1999,
        windowMs: 1000,
        agg,
      });

      const expected = OPENED[agg].map((value, i) => ({
        ts: T0 + i * 1000,
        value: expect.closeTo(value, 9),
      }));
      expect(windows).toEqual(expected);
    });

    it('includes both range bounds and reports windows at their epoch-aligned start', async () => {
      await writeTemperatures();
      const query = { deviceId: D1, metric: 'temp', windowMs: 1000, agg: 'mean' } as const;

      expect(await store.range({ ...query, from: T0 + 100, to: T0 + 1000 })).toEqual([
        { ts: T0, value: 25 },
        { ts: T0 + 1000, value: 5 },
      ]);
      expect(await store.range({ ...query, from: T0 + 101, to: T0 + 999 })).toEqual([{ ts: T0, value: 15 }]);
      expect(await store.range({ ...query, from: T0 + 3600, to: T0 + 3600, agg: 'count' })).toEqual([
        { ts: T0 + 3000, value: 1 },
      ]);
      expect(
        await store.range({ ...query, from: T0, to: T0 + 10_000, windowMs: 60_000, agg: 'count' }),
      ).toEqual([{ ts: T0, value: 6 }]);
    });

    it('answers an empty range for an unknown metric or device, and rejects a bad window', async () => {
      await writeTemperatures();
      const query = {
        deviceId: D1,
        metric: 'temp',
        from: T0,
        to: T0 + 5000,
        windowMs: 1000,
        agg: 'max',
      } as const;

      expect(await store.range({ ...query, metric: 'pressure' })).toEqual([]);
      expect(await store.range({ ...query, deviceId: 'nobody' })).toEqual([]);
      expect(await store.range({ ...query, from: T0 + 2000, to: T0 + 2999 })).toEqual([]);
      await expect(store.range({ ...query, windowMs: 0 })).rejects.toThrow(/windowMs/);
      await expect(store.range({ ...query, from: T0 + 1, to: T0 })).rejects.toThrow(/range/);
    });

    it('counts readings: distinct seq, rows without seq, inclusive bounds', async () => {
      await store.writeReadings(
        [1, 2, 3, 4, 5].map((seq) => reading(D1, seq * 1000, { temp: seq, open: seq > 2 }, seq)),
      );
      await store.writeReadings([reading(D1, 3000, { temp: 3, open: true }, 3)]);
      await store.writeReadings([
        reading(D1, 10_000, { temp: 1, open: false }),
        reading(D1, 11_000, { humidity: 40 }),
      ]);
      await store.writeReadings([reading(D2, 2000, { temp: 8 }, 1)]);

      expect(await store.countReadings(D1, T0, T0 + 11_000)).toBe(7);
      expect(await store.countReadings(D1, T0 + 2000, T0 + 4000)).toBe(3);
      expect(await store.countReadings(D1, T0 + 10_000, T0 + 10_000)).toBe(1);
      expect(await store.countReadings(D1, T0 + 10_001, T0 + 10_999)).toBe(0);
      expect(await store.countReadings(D2, T0, T0 + 11_000)).toBe(1);
      expect(await store.countReadings('nobody', T0, T0 + 11_000)).toBe(0);
    });

    it('stores a large batch completely', async () => {
      const count = 12_000;
      const batch = Array.from({ length: count }, (_, i) =>
        reading(D1, i * 10, { temp: i % 50, open: i % 2 === 0 }, i),
      );
      await store.writeReadings(batch);

      expect(await store.countReadings(D1, T0, T0 + count * 10)).toBe(count);
      expect(await store.countReadings(D1, T0 + 50_000, T0 + 59_990)).toBe(1000);
      expect((await store.latest(D1)).temp).toStrictEqual({
        ts: T0 + (count - 1) * 10,
        value: (count - 1) % 50,
      });
    });

    it('round-trips events, newest first, up to the limit', async () => {
      const full: DeviceEvent = {
        deviceId: D1,
        gridId: 'grid-1',
        deviceType: 'camera',
        ts: T0,
        seq: 7,
        type: 'fire_smoke',
        confidence: 0.93,
        snapshot: 'https://cam.example/snap/7.jpg',
        location: { lat: 30.2741, lng: 120.1551 },
        attributes: { zone: 'A', boxes: [1, 2] },
      };
      const minimal: DeviceEvent = {
        deviceId: D1,
        gridId: 'grid-1',
        deviceType: 'camera',
        ts: T0 + 1000,
        type: 'crowd_gathering',
      };
      const numbered: DeviceEvent = { ...minimal, ts: T0 + 2000, seq: 9, type: 'illegal_parking' };
      const elsewhere: DeviceEvent = { ...minimal, deviceId: D2, ts: T0 + 3000 };
      await store.writeEvents([minimal, full, elsewhere]);
      await store.writeEvents([numbered]);

      expect(await store.recentEvents(D1, 10)).toStrictEqual([numbered, minimal, full]);
      expect(await store.recentEvents(D1, 2)).toStrictEqual([numbered, minimal]);
      expect(await store.recentEvents(D2, 10)).toStrictEqual([elsewhere]);
      expect(await store.recentEvents('nobody', 10)).toStrictEqual([]);
    });

    it('keeps two event types at the same instant and stores a repeated event once', async () => {
      const smoke: DeviceEvent = {
        deviceId: D1,
        gridId: 'grid-1',
        deviceType: 'camera',
        ts: T0,
        seq: 1,
        type: 'fire_smoke',
      };
      const crowd: DeviceEvent = { ...smoke, seq: 2, type: 'crowd_gathering' };
      await store.writeEvents([smoke, crowd]);
      await store.writeEvents([smoke]);

      const events = await store.recentEvents(D1, 10);
      expect(events.map((e) => e.type).sort()).toEqual(['crowd_gathering', 'fire_smoke']);
    });

    it('reads raw points of one metric oldest first, bounds inclusive, up to the limit', async () => {
      await writeTemperatures();
      await store.writeReadings([reading(D1, 4000, { open: true }), reading(D1, 4100, { open: false })]);
      const raw = async (metric: string, from: number, to: number, limit = 100) =>
        (await store.readRaw({ deviceId: D1, metric, from: T0 + from, to: T0 + to, limit })).map((p) => [
          p.ts - T0,
          p.value,
        ]);

      expect(await raw('temp', 0, 10_000)).toEqual([
        [0, 10],
        [100, 35],
        [900, 15],
        [1000, 5],
        [3500, 9],
        [3600, 7],
      ]);
      expect(await raw('temp', 100, 1000)).toEqual([
        [100, 35],
        [900, 15],
        [1000, 5],
      ]);
      expect(await raw('temp', 0, 10_000, 2)).toEqual([
        [0, 10],
        [100, 35],
      ]);
      expect(await raw('open', 0, 10_000)).toEqual([
        [4000, true],
        [4100, false],
      ]);
      expect(await raw('pressure', 0, 10_000)).toEqual([]);
      expect(
        await store.readRaw({ deviceId: 'nobody', metric: 'temp', from: T0, to: T0 + 10_000, limit: 10 }),
      ).toEqual([]);
    });

    it('lists the readings of every device oldest first, then by device, whole, bounds inclusive, up to the limit', async () => {
      await store.writeReadings([
        reading(D2, 2000, { temp: 21.5, open: true }, 3),
        reading(D1, 2000, { temp: 20 }, 8),
        reading(D1, 1000, { temp: 19, open: false }, 7),
        reading(D1, 5000, { temp: 18 }),
        reading(D2, 9000, { temp: 30 }, 4),
      ]);
      const between = async (from: number, to: number, limit = 100) =>
        (await store.readingsBetween({ from: T0 + from, to: T0 + to, limit })).map((r) => {
          // Grid and type are kept by InfluxDB only.
          expect([r.gridId, r.deviceType]).toEqual(r.gridId ? ['grid-1', 'smoke_detector'] : ['', '']);
          return [r.ts - T0, r.deviceId, r.seq, r.metrics];
        });

      expect(await between(1000, 5000)).toEqual([
        [1000, D1, 7, { temp: 19, open: false }],
        [2000, D1, 8, { temp: 20 }],
        [2000, D2, 3, { temp: 21.5, open: true }],
        [5000, D1, undefined, { temp: 18 }],
      ]);
      expect(await between(0, 10_000, 2)).toEqual([
        [1000, D1, 7, { temp: 19, open: false }],
        [2000, D1, 8, { temp: 20 }],
      ]);
      expect(await between(9000, 9000)).toEqual([[9000, D2, 4, { temp: 30 }]]);
      expect(await between(9001, 20_000)).toEqual([]);
    });

    it('lists events between two times oldest first, by device, grid or type', async () => {
      const at = (deviceId: string, gridId: string, offset: number, type: string): DeviceEvent => ({
        deviceId,
        gridId,
        deviceType: 'camera',
        ts: T0 + offset,
        type,
      });
      await store.writeEvents([
        at(D1, 'grid-1', 3000, 'fire_smoke'),
        at(D2, 'grid-2', 1000, 'fire_smoke'),
        at(D1, 'grid-1', 2000, 'crowd_gathering'),
        at(D1, 'grid-1', 9000, 'fire_smoke'),
      ]);
      const between = async (filter: { deviceId?: string; gridId?: string; type?: string }, limit = 10) =>
        (await store.eventsBetween({ ...filter, from: T0 + 1000, to: T0 + 3000, limit })).map(
          (e) => `${e.ts - T0} ${e.deviceId} ${e.type}`,
        );

      expect(await between({})).toEqual([
        '1000 dev-2 fire_smoke',
        '2000 dev-1 crowd_gathering',
        '3000 dev-1 fire_smoke',
      ]);
      expect(await between({ deviceId: D1 })).toEqual([
        '2000 dev-1 crowd_gathering',
        '3000 dev-1 fire_smoke',
      ]);
      expect(await between({ gridId: 'grid-2' })).toEqual(['1000 dev-2 fire_smoke']);
      expect(await between({ type: 'fire_smoke', gridId: 'grid-1' })).toEqual(['3000 dev-1 fire_smoke']);
      expect(await between({}, 1)).toEqual(['1000 dev-2 fire_smoke']);
    });
  });
}
