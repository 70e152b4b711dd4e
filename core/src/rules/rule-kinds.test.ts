import { describe, expect, it } from 'vitest';
import type { Severity } from '../model';
import type { DeviceEvent, Reading } from '../reading';
import {
  compositeGroup,
  compositeSeverity,
  freshSources,
  newCompositeMemory,
  observeEvent,
  observeReading,
} from './composite';
import { matchesEventRule, newEventMemory, quietEventSeverity, stepEvent } from './event';
import { isSignOfLife, noDataSeverity, offlineSeverity } from './no-data';
import { newRateMemory, stepRate } from './rate';
import type { CompositeRule, EventRule, NoDataRule, OfflineRule, RateRule } from './rule-types';

const MIN = 60_000;

describe('rate (water level rising more than 0.2 m in 10 min; clears at ≤ 0.05)', () => {
  const rise: RateRule = {
    kind: 'rate',
    id: 'r-rise',
    name: '水位快速上涨',
    category: 'flood',
    deviceType: 'water_level',
    metric: 'level',
    windowSeconds: 600,
    bands: [
      { severity: 'warning', above: 0.2 },
      { severity: 'critical', above: 0.5 },
    ],
    clearAtOrBelow: 0.05,
  };
  it.each<[string, RateRule, [number, number][], (Severity | null)[]]>([
    [
      'a slow rise is no risk, a fast one is',
      rise,
      [
        [0, 0.3],
        [5 * MIN, 0.35],
        [10 * MIN, 0.4],
        [12 * MIN, 0.65],
        [14 * MIN, 1.0],
      ],
      [null, null, null, 'warning', 'critical'],
    ],
    [
      'the window slides: an old low reading stops counting',
      rise,
      [
        [0, 0.3],
        [1 * MIN, 0.6],
        [11 * MIN, 0.7],
        [12 * MIN, 0.71],
      ],
      [null, 'warning', 'warning', null],
    ],
    [
      'a reading out of order changes nothing',
      rise,
      [
        [0, 0.3],
        [5 * MIN, 0.6],
        [4 * MIN, 0.1],
      ],
      [null, 'warning', 'warning'],
    ],
    [
      'fall: pressure collapsing',
      { ...rise, direction: 'fall', bands: [{ severity: 'critical', above: 0.15 }], clearAtOrBelow: 0.02 },
      [
        [0, 0.35],
        [1 * MIN, 0.33],
        [2 * MIN, 0.1],
        [3 * MIN, 0.1],
      ],
      [null, null, 'critical', 'critical'],
    ],
  ])('%s', (_name, rule, readings, expected) => {
    const memory = newRateMemory();
    let condition: Severity | null = null;
    expect(readings.map(([ts, v]) => (condition = stepRate(rule, memory, condition, v, ts)))).toEqual(
      expected,
    );
  });
});

const reading = (
  deviceId: string,
  deviceType: string,
  ts: number,
  metrics: Reading['metrics'],
  gridId = 'G01',
): Reading => ({
  deviceId,
  gridId,
  deviceType,
  ts,
  metrics,
});

describe('no data (door not opened for 24 h) and offline', () => {
  const door: NoDataRule = {
    kind: 'no_data',
    id: 'r-door',
    name: '独居老人门磁 24 小时未开门',
    category: 'elderly_care',
    deviceType: 'door_sensor',
    metric: 'opened',
    equals: true,
    silentForSeconds: 86_400,
    severity: 'warning',
  };
  it.each<[string, NoDataRule, Reading['metrics'], boolean]>([
    ['door opened', door, { opened: true }, true],
    ['door reported closed', door, { opened: false }, false],
    ['another metric', door, { battery: 80 }, false],
    [
      'any reading, when no metric is named',
      { ...door, metric: undefined, equals: undefined },
      { battery: 80 },
      true,
    ],
    ['opened as 1 equals true', door, { opened: 1 }, true],
  ])('sign of life: %s → %s', (_name, rule, metrics, expected) => {
    expect(isSignOfLife(rule, reading('door-1', 'door_sensor', 0, metrics))).toBe(expected);
  });

  it.each<[number, Severity | null]>([
    [0, null],
    [86_399_999, null],
    [86_400_000, 'warning'],
  ])('silent since 0, at %d → %s', (now, expected) => {
    expect(noDataSeverity(door, { lastSeenAt: 0 }, now)).toBe(expected);
  });

  const offline: OfflineRule = {
    kind: 'offline',
    id: 'r-off',
    name: '设备离线',
    category: 'device',
    forSeconds: 300,
    severity: 'info',
  };
  it.each<[number | null, number, Severity | null]>([
    [null, 1_000_000, null],
    [0, 299_999, null],
    [0, 300_000, 'info'],
  ])('offline since %s, at %d → %s', (since, now, expected) => {
    expect(offlineSeverity(offline, { offlineSince: since }, now)).toBe(expected);
  });
});

describe('event rules', () => {
  const crowd: EventRule = {
    kind: 'event',
    id: 'r-crowd',
    name: '人员聚集',
    category: 'public_order',
    eventType: 'crowd_gathering',
    minConfidence: 0.7,
    severity: 'warning',
    repeat: { count: 3, withinSeconds: 120 },
    clearAfterSeconds: 600,
  };
  const event = (extra: Partial<DeviceEvent>): DeviceEvent => ({
    deviceId: 'cam-1',
    gridId: 'G01',
    deviceType: 'camera',
    ts: 0,
    type: 'crowd_gathering',
    ...extra,
  });
  it.each<[string, Partial<DeviceEvent>, boolean]>([
    ['type and confidence', { confidence: 0.7 }, true],
    ['no confidence (certain)', {}, true],
    ['low confidence', { confidence: 0.69 }, false],
    ['another type', { type: 'fire_smoke', confidence: 0.99 }, false],
  ])('matches %s → %s', (_name, extra, expected) => {
    expect(matchesEventRule(crowd, event(extra))).toBe(expected);
  });

  it.each<[string, EventRule, number[], (Severity | null)[]]>([
    ['a single event fires without repeat', { ...crowd, repeat: undefined }, [0], ['warning']],
    ['3 within 2 min fire', crowd, [0, 50_000, 119_000], [null, null, 'warning']],
    [
      '3 spread over more than 2 min do not, until 3 fall within 2 min',
      crowd,
      [0, 70_000, 140_000, 200_000, 210_000],
      [null, null, null, null, 'warning'],
    ],
  ])('repeats: %s', (_name, rule, times, expected) => {
    const memory = newEventMemory();
    let condition: Severity | null = null;
    expect(times.map((ts) => (condition = stepEvent(rule, memory, condition, ts)))).toEqual(expected);
  });

  it.each<[number, Severity | null]>([
    [599_999, 'warning'],
    [600_000, null],
  ])('resolves after 10 quiet minutes: at %d → %s', (now, expected) => {
    expect(quietEventSeverity(crowd, { times: [], lastMatchAt: 0 }, 'warning', now)).toBe(expected);
  });
});

describe('composite: smoke rising + cable hot + camera fire_smoke within 2 min in one grid', () => {
  const fire: CompositeRule = {
    kind: 'composite',
    id: 'r-fire',
    name: '火情研判',
    category: 'fire_safety',
    match: 'all',
    groupBy: 'grid',
    withinSeconds: 120,
    severity: 'critical',
    conditions: [
      { deviceType: 'smoke_detector', metric: 'smoke', risesBy: 3, withinSeconds: 60 },
      { deviceType: 'electrical_fire', metric: 'cable_temperature', above: 70 },
      { eventType: 'fire_smoke', minConfidence: 0.7 },
    ],
  };
  type Step = ['smoke' | 'cable' | 'camera', number, number];
  const feed = (rule: CompositeRule, steps: Step[]): (Severity | null)[] => {
    const memory = newCompositeMemory(rule);
    return steps.map(([what, ts, value]) => {
      if (what === 'smoke')
        observeReading(rule, memory, 0, reading('sd-1', 'smoke_detector', ts, { smoke: value }));
      if (what === 'cable')
        observeReading(rule, memory, 1, reading('ef-1', 'electrical_fire', ts, { cable_temperature: value }));
      if (what === 'camera')
        observeEvent(rule, memory, 2, {
          deviceId: 'cam-1',
          gridId: 'G01',
          deviceType: 'camera',
          ts,
          type: 'fire_smoke',
          confidence: value,
        });
      return compositeSeverity(rule, memory, ts);
    });
  };
  it.each<[string, CompositeRule, Step[], (Severity | null)[]]>([
    [
      'all three within the window',
      fire,
      [
        ['smoke', 0, 0.1],
        ['smoke', 30_000, 4],
        ['cable', 60_000, 75],
        ['camera', 90_000, 0.9],
      ],
      [null, null, null, 'critical'],
    ],
    [
      'the smoke rise fell out of the window before the camera saw fire',
      fire,
      [
        ['smoke', 0, 0.1],
        ['smoke', 30_000, 4],
        ['cable', 60_000, 75],
        ['camera', 151_000, 0.9],
      ],
      [null, null, null, null],
    ],
    [
      'a low-confidence camera event and a cool cable do not count',
      fire,
      [
        ['smoke', 0, 0.1],
        ['smoke', 10_000, 5],
        ['cable', 20_000, 60],
        ['camera', 30_000, 0.5],
      ],
      [null, null, null, null],
    ],
    [
      'any: one condition is enough',
      { ...fire, match: 'any' },
      [
        ['cable', 0, 65],
        ['cable', 1000, 71],
      ],
      [null, 'critical'],
    ],
  ])('%s', (_name, rule, steps, expected) => {
    expect(feed(rule, steps)).toEqual(expected);
  });

  it('lists the fresh observations in condition order and groups by grid or community', () => {
    const memory = newCompositeMemory(fire);
    observeReading(fire, memory, 1, reading('ef-1', 'electrical_fire', 5000, { cable_temperature: 80 }));
    observeEvent(fire, memory, 2, {
      deviceId: 'cam-1',
      gridId: 'G01',
      deviceType: 'camera',
      ts: 1000,
      type: 'fire_smoke',
      snapshot: 'https://cam/1.jpg',
    });
    expect(freshSources(fire, memory, 6000)).toEqual([
      {
        deviceId: 'ef-1',
        gridId: 'G01',
        deviceType: 'electrical_fire',
        at: 5000,
        metric: 'cable_temperature',
        value: 80,
      },
      {
        deviceId: 'cam-1',
        gridId: 'G01',
        deviceType: 'camera',
        at: 1000,
        eventType: 'fire_smoke',
        snapshot: 'https://cam/1.jpg',
      },
    ]);
    expect(freshSources(fire, memory, 121_001).map((s) => s.deviceId)).toEqual(['ef-1']);
    expect(compositeGroup(fire, ['G01', 'C1', 'S1', 'D1'])).toBe('G01');
    expect(compositeGroup({ ...fire, groupBy: 'community' }, ['G01', 'C1', 'S1', 'D1'])).toBe('C1');
  });
});
