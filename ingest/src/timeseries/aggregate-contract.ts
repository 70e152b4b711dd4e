import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reading } from '@gridsense/core';
import type { MakeStore } from './store-contract';
import type { Aggregate, TimeSeriesStore } from './time-series-store';

// Hour-aligned, and recent enough for any retention policy a test server would have.
const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;
const AGGREGATES: Aggregate[] = ['mean', 'min', 'max', 'last', 'count'];

/** Three hours of a reading every 97 s per device, values that differ per device and time. */
function history(deviceId: string, scale: number): Reading[] {
  return Array.from({ length: Math.floor((3 * HOUR) / 97_000) }, (_, i) => ({
    deviceId,
    gridId: 'grid-1',
    deviceType: 'smoke_detector',
    ts: T0 + i * 97_000 + scale,
    metrics: { temp: ((i * 37) % 50) * scale - 20, open: i % 3 === 0 },
  }));
}

/** What any correct backend answers, computed here from the readings themselves. */
function expectedWindows(
  readings: Reading[],
  metric: string,
  q: { from: number; to: number; windowMs: number; agg: Aggregate },
): { ts: number; value: number }[] {
  const windows = new Map<number, { ts: number; value: number }[]>();
  for (const r of readings) {
    const value = r.metrics[metric];
    if (value === undefined || r.ts < q.from || r.ts > q.to) continue;
    const w = r.ts - (r.ts % q.windowMs);
    windows.set(w, [...(windows.get(w) ?? []), { ts: r.ts, value: Number(value) }]);
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, points]) => {
      const values = points.map((p) => p.value);
      const last = points.reduce((a, b) => (b.ts > a.ts ? b : a));
      const value = {
        mean: values.reduce((a, b) => a + b, 0) / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        last: last.value,
        count: values.length,
      }[q.agg];
      return { ts, value };
    });
}

const close = (windows: { ts: number; value: number }[]) =>
  windows.map((w) => ({ ts: w.ts, value: expect.closeTo(w.value, 6) }));

/**
 * Long-range and per-grid aggregates every backend must answer like the raw rows would: windows of
 * whole minutes and hours (read from rollups where a backend has them), ragged range bounds, several
 * devices at once, booleans as 1/0; retention removing old raw readings while the rollups keep
 * answering for them, and removing rollups by their own cut-offs.
 */
export function describeAggregateContract(name: string, makeStore: MakeStore): void {
  describe(name, () => {
    let store: TimeSeriesStore;
    let cleanup: () => Promise<void>;
    const d1 = history('dev-1', 1);
    const d2 = history('dev-2', 2);
    const other = history('dev-3', 3);

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      await store.writeReadings([...d1, ...d2, ...other]);
    });
    afterEach(async () => {
      await cleanup();
    });

    const ranges = [
      { windowMs: MIN, from: T0 + 30_500, to: T0 + 2 * HOUR + 45_000 },
      { windowMs: 5 * MIN, from: T0, to: T0 + 3 * HOUR },
      { windowMs: HOUR, from: T0 + 10 * MIN + 1, to: T0 + 3 * HOUR - 1 },
      { windowMs: 2 * HOUR, from: T0, to: T0 + 3 * HOUR },
    ];

    it.each(AGGREGATES)('a device over whole minutes and hours, ragged bounds: %s', async (agg) => {
      for (const range of ranges) {
        const got = await store.range({ deviceId: 'dev-1', metric: 'temp', agg, ...range });
        expect(got, `${range.windowMs} ms`).toEqual(close(expectedWindows(d1, 'temp', { agg, ...range })));
      }
    });

    it.each(AGGREGATES)('several devices as one series (per grid): %s', async (agg) => {
      for (const range of [...ranges, { windowMs: 10_000, from: T0, to: T0 + 20 * MIN }]) {
        const got = await store.aggregateDevices({
          deviceIds: ['dev-1', 'dev-2'],
          metric: 'temp',
          agg,
          ...range,
        });
        expect(got, `${range.windowMs} ms`).toEqual(
          close(expectedWindows([...d1, ...d2], 'temp', { agg, ...range })),
        );
      }
      expect(
        await store.aggregateDevices({
          deviceIds: [],
          metric: 'temp',
          agg,
          windowMs: MIN,
          from: T0,
          to: T0 + HOUR,
        }),
      ).toEqual([]);
    });

    it('counts booleans as 1/0 over several devices', async () => {
      const q = { windowMs: HOUR, from: T0, to: T0 + 3 * HOUR - 1 };
      for (const agg of ['mean', 'count'] as const) {
        const got = await store.aggregateDevices({
          deviceIds: ['dev-1', 'dev-2'],
          metric: 'open',
          agg,
          ...q,
        });
        expect(got).toEqual(close(expectedWindows([...d1, ...d2], 'open', { agg, ...q })));
      }
    });

    it.each(AGGREGATES)(
      'answers whole minutes and hours from rollups after retention deleted the raw rows: %s',
      async (agg) => {
        await store.applyRetention({ rawBefore: T0 + HOUR });
        const kept = (readings: Reading[]) => readings.filter((r) => r.ts >= T0 + HOUR);
        const cases = [
          // Over the deleted hour: only rollups still know these windows.
          { windowMs: HOUR, from: T0, to: T0 + 3 * HOUR - 1, within: (r: Reading[]) => r },
          { windowMs: 5 * MIN, from: T0, to: T0 + 2 * HOUR - 1, within: (r: Reading[]) => r },
          // After the cut-off, ragged bounds: rollups in the middle, raw rows at the edges.
          { windowMs: MIN, from: T0 + HOUR + 30_500, to: T0 + 2 * HOUR + 45_000, within: kept },
          { windowMs: HOUR, from: T0 + HOUR + 10 * MIN + 1, to: T0 + 3 * HOUR - 1, within: kept },
        ];
        for (const { within, ...range } of cases) {
          for (const metric of ['temp', 'open']) {
            const label = `${metric} ${range.windowMs} ms from +${range.from - T0}`;
            const one = await store.range({ deviceId: 'dev-1', metric, agg, ...range });
            expect(one, label).toEqual(close(expectedWindows(within(d1), metric, { agg, ...range })));
            const grid = await store.aggregateDevices({
              deviceIds: ['dev-1', 'dev-2'],
              metric,
              agg,
              ...range,
            });
            expect(grid, label).toEqual(
              close(expectedWindows(within([...d1, ...d2]), metric, { agg, ...range })),
            );
          }
        }
      },
    );

    it('deletes minute and hour rollups by their own cut-offs', async () => {
      await store.applyRetention({ rawBefore: T0 + 4 * HOUR, minuteRollupsBefore: T0 + HOUR });
      const counts = (windowMs: number) =>
        store.range({
          deviceId: 'dev-1',
          metric: 'temp',
          agg: 'count',
          windowMs,
          from: T0,
          to: T0 + 3 * HOUR - 1,
        });
      const after = (cut: number) => d1.filter((r) => r.ts >= cut);

      expect(await counts(30 * MIN)).toEqual(
        expectedWindows(after(T0 + HOUR), 'temp', {
          agg: 'count',
          windowMs: 30 * MIN,
          from: T0,
          to: T0 + 3 * HOUR - 1,
        }),
      );
      expect(await counts(HOUR)).toEqual(
        expectedWindows(d1, 'temp', { agg: 'count', windowMs: HOUR, from: T0, to: T0 + 3 * HOUR - 1 }),
      );
      await store.applyRetention({ hourRollupsBefore: T0 + HOUR });
      expect(await counts(HOUR)).toEqual(
        expectedWindows(after(T0 + HOUR), 'temp', {
          agg: 'count',
          windowMs: HOUR,
          from: T0,
          to: T0 + 3 * HOUR - 1,
        }),
      );
    });

    it('deletes raw readings before the retention cut-off', async () => {
      await store.applyRetention({ rawBefore: T0 + HOUR });
      expect(await store.countReadings('dev-1', T0, T0 + HOUR - 1)).toBe(0);
      expect(await store.countReadings('dev-1', T0 + HOUR, T0 + 3 * HOUR)).toBe(
        d1.filter((r) => r.ts >= T0 + HOUR).length,
      );
    });
  });
}
