import type { Region, Rule } from '@gridsense/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backtestRule } from './rule-engine-backtest';
import type { WatchedDevice } from './rule-engine';
import { createEmbeddedStore, type TimeSeriesStore } from './timeseries';

const REGIONS: Region[] = [
  { id: 'D1', level: 'district', parentId: null, name: 'D1', boundary: null },
  { id: 'C1', level: 'community', parentId: 'D1', name: 'C1', boundary: null },
  { id: 'G01', level: 'grid', parentId: 'C1', name: 'G01', boundary: null },
  { id: 'G02', level: 'grid', parentId: 'C1', name: 'G02', boundary: null },
];
const DEVICES: WatchedDevice[] = [
  { id: 'wl-1', gridId: 'G01', type: 'water_level' },
  { id: 'wl-2', gridId: 'G02', type: 'water_level' },
  { id: 'cam-1', gridId: 'G01', type: 'camera' },
  { id: 'door-1', gridId: 'G02', type: 'door_sensor' },
];
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('backtestRule over the embedded store', () => {
  let store: TimeSeriesStore;
  beforeEach(async () => {
    store = createEmbeddedStore({ path: ':memory:' });
    // wl-1 rises from 0.3 to 1.6 m and falls back within an hour; wl-2 stays low.
    const levels = [0.3, 0.5, 1.2, 1.6, 1.4, 0.9, 0.7, 0.4];
    await store.writeReadings(
      levels.flatMap((level, i) => [
        {
          deviceId: 'wl-1',
          gridId: 'G01',
          deviceType: 'water_level',
          ts: T0 + i * 5 * MIN,
          metrics: { level },
        },
        {
          deviceId: 'wl-2',
          gridId: 'G02',
          deviceType: 'water_level',
          ts: T0 + i * 5 * MIN,
          metrics: { level: 0.3 },
        },
      ]),
    );
    await store.writeReadings([
      {
        deviceId: 'door-1',
        gridId: 'G02',
        deviceType: 'door_sensor',
        ts: T0 + 10 * MIN,
        metrics: { opened: true },
      },
    ]);
    await store.writeEvents([
      {
        deviceId: 'cam-1',
        gridId: 'G01',
        deviceType: 'camera',
        ts: T0 + 12 * MIN,
        type: 'water_accumulation',
        confidence: 0.9,
      },
    ]);
  });
  afterEach(() => store.close());

  const run = (rule: Rule, to = T0 + 60 * MIN) =>
    backtestRule(rule, { from: T0, to }, { store, devices: DEVICES, regions: REGIONS });
  const base = { id: 'draft', name: '草稿', category: 'flood' };

  it('threshold: when it would have fired, worsened and cleared', async () => {
    const result = await run({
      ...base,
      kind: 'threshold',
      deviceType: 'water_level',
      metric: 'level',
      bands: [
        { severity: 'warning', above: 1 },
        { severity: 'critical', above: 1.5 },
      ],
      clearAtOrBelow: 0.8,
    });
    expect(result).toMatchObject({ devices: 2, readings: 16, events: 0, firingAtEnd: [] });
    expect(result.transitions.map((t) => [(t.at - T0) / MIN, t.deviceId, t.severity, t.value])).toEqual([
      [10, 'wl-1', 'warning', 1.2],
      [15, 'wl-1', 'critical', 1.6],
      [20, 'wl-1', 'warning', 1.4],
      [30, 'wl-1', null, 0.7],
    ]);
  });

  it('composite: rising water plus a camera seeing water in one grid, still firing at the end', async () => {
    const result = await run(
      {
        ...base,
        kind: 'composite',
        match: 'all',
        groupBy: 'grid',
        withinSeconds: 600,
        severity: 'critical',
        conditions: [
          { deviceType: 'water_level', metric: 'level', risesBy: 0.5, withinSeconds: 600 },
          { eventType: 'water_accumulation', minConfidence: 0.8 },
        ],
      },
      T0 + 14 * MIN,
    );
    expect(result.transitions.map((t) => [(t.at - T0) / MIN, t.deviceId, t.severity])).toEqual([
      [12, 'wl-1', 'critical'],
    ]);
    expect(result.firingAtEnd).toEqual([
      { deviceId: 'wl-1', gridId: 'G01', severity: 'critical', since: T0 + 12 * MIN },
    ]);
    expect(result.events).toBe(1);
  });

  it('no data: a door silent for 30 min, from the start of the range', async () => {
    const result = await run({
      ...base,
      kind: 'no_data',
      deviceType: 'door_sensor',
      metric: 'opened',
      equals: true,
      silentForSeconds: 1800,
      severity: 'warning',
    });
    expect(result.transitions.map((t) => [(t.at - T0) / MIN, t.deviceId, t.severity])).toEqual([
      [40, 'door-1', 'warning'],
    ]);
  });

  it('refuses what it cannot replay, and a history too long', async () => {
    await expect(run({ ...base, kind: 'offline', forSeconds: 60, severity: 'info' })).rejects.toThrow(
      /status history is not stored/,
    );
    await expect(
      backtestRule(
        { ...base, kind: 'event', eventType: 'water_accumulation', minConfidence: 0, severity: 'info' },
        { from: T0, to: T0 + 60 * MIN },
        { store, devices: DEVICES, regions: REGIONS },
        { maxItems: 0, maxDevices: 10, maxTicks: 10 },
      ),
    ).rejects.toThrow(/narrow the range/);
  });
});
