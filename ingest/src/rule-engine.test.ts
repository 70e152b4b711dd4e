import type { DeviceEvent, Reading, Region, RiskSignal, Rule, Severity } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { RuleEngine, type WatchedDevice } from './rule-engine';

const region = (id: string, level: Region['level'], parentId: string | null): Region => ({
  id,
  level,
  parentId,
  name: id,
  boundary: null,
});
const REGIONS: Region[] = [
  region('D1', 'district', null),
  region('S1', 'street', 'D1'),
  region('C1', 'community', 'S1'),
  region('G01', 'grid', 'C1'),
  region('G02', 'grid', 'C1'),
  region('S2', 'street', 'D1'),
  region('C2', 'community', 'S2'),
  region('G03', 'grid', 'C2'),
];

const DEVICES: WatchedDevice[] = [
  { id: 'sd-1', gridId: 'G01', type: 'smoke_detector' },
  { id: 'sd-3', gridId: 'G03', type: 'smoke_detector' },
  { id: 'ef-1', gridId: 'G01', type: 'electrical_fire' },
  { id: 'ef-2', gridId: 'G02', type: 'electrical_fire' },
  { id: 'cam-1', gridId: 'G01', type: 'camera' },
  { id: 'door-1', gridId: 'G02', type: 'door_sensor' },
  { id: 'door-3', gridId: 'G03', type: 'door_sensor' },
];
const device = (id: string) => DEVICES.find((d) => d.id === id)!;

type Step =
  | { at: number; reading: [deviceId: string, metrics: Reading['metrics']] }
  | { at: number; event: [deviceId: string, type: string, confidence?: number] }
  | { at: number; status: [deviceId: string, online: boolean] }
  | { at: number; tick: true };

/** Plays steps through an engine; returns "at device severity" for every signal. */
function play(
  rules: Rule[],
  steps: Step[],
  engine = new RuleEngine(rules, { regions: REGIONS, devices: () => DEVICES }),
) {
  const out: string[] = [];
  const note = (signals: RiskSignal[]) => {
    for (const s of signals) out.push(`${s.at} ${s.deviceId} ${s.severity ?? 'resolved'}`);
  };
  for (const step of steps) {
    if ('reading' in step) {
      const d = device(step.reading[0]);
      note(
        engine.evaluateReading({
          deviceId: d.id,
          gridId: d.gridId,
          deviceType: d.type,
          ts: step.at,
          metrics: step.reading[1],
        }),
      );
    } else if ('event' in step) {
      const d = device(step.event[0]);
      const event: DeviceEvent = {
        deviceId: d.id,
        gridId: d.gridId,
        deviceType: d.type,
        ts: step.at,
        type: step.event[1],
      };
      if (step.event[2] !== undefined) event.confidence = step.event[2];
      note(engine.evaluateEvent(event));
    } else if ('status' in step) {
      const d = device(step.status[0]);
      note(
        engine.recordStatus(
          { deviceId: d.id, gridId: d.gridId, deviceType: d.type },
          step.status[1],
          step.at,
        ),
      );
    } else note(engine.tick(step.at));
  }
  return out;
}

const smoke = (extra: Partial<Rule> = {}): Rule =>
  ({
    kind: 'threshold',
    id: 'smoke',
    name: '烟雾浓度超限',
    category: 'fire_safety',
    deviceType: 'smoke_detector',
    metric: 'smoke',
    bands: [
      { severity: 'warning', above: 5 },
      { severity: 'critical', above: 10 },
    ],
    clearAtOrBelow: 2,
    ...extra,
  }) as Rule;

const battery = (extra: Partial<Rule> = {}): Rule =>
  ({
    kind: 'threshold',
    id: 'battery',
    name: '烟感电量低',
    category: 'device_maintenance',
    deviceType: 'smoke_detector',
    metric: 'battery',
    direction: 'below',
    bands: [
      { severity: 'warning', below: 20 },
      { severity: 'critical', below: 10 },
    ],
    clearAtOrAbove: 30,
    ...extra,
  }) as Rule;

const r = (at: number, id: string, metrics: Reading['metrics']): Step => ({ at, reading: [id, metrics] });
const tick = (at: number): Step => ({ at, tick: true });

describe('RuleEngine: each kind, state changes only, clock passed in', () => {
  it.each<[string, Rule[], Step[], string[]]>([
    [
      'threshold: rise, worsen, hold, clear; other devices and metrics untouched',
      [smoke()],
      [
        r(1, 'sd-1', { smoke: 6 }),
        r(2, 'sd-1', { smoke: 12, temperature: 30 }),
        r(3, 'sd-1', { smoke: 11 }),
        r(4, 'ef-1', { cable_temperature: 99 }),
        r(5, 'sd-1', { smoke: 1 }),
      ],
      ['1 sd-1 warning', '2 sd-1 critical', '5 sd-1 resolved'],
    ],
    [
      'threshold for 30 s: a tick fires it without a new reading',
      [smoke({ forSeconds: 30 } as Partial<Rule>)],
      [r(0, 'sd-1', { smoke: 6 }), tick(29_999), tick(30_000), tick(31_000), r(40_000, 'sd-1', { smoke: 1 })],
      ['30000 sd-1 warning', '40000 sd-1 resolved'],
    ],
    [
      'threshold 2 of 3 readings',
      [smoke({ repeat: { count: 2, of: 3 } } as Partial<Rule>)],
      [
        r(1, 'sd-1', { smoke: 6 }),
        r(2, 'sd-1', { smoke: 1 }),
        r(3, 'sd-1', { smoke: 7 }),
        r(4, 'sd-1', { smoke: 1 }),
        r(5, 'sd-1', { smoke: 1 }),
      ],
      ['3 sd-1 warning', '4 sd-1 resolved'],
    ],
    [
      'threshold below: battery at 20 % warns, at 10 % is critical, a fresh battery (≥ 30 %) clears',
      [battery()],
      [
        r(1, 'sd-1', { battery: 21 }),
        r(2, 'sd-1', { battery: 20 }),
        r(3, 'sd-1', { battery: 9 }),
        r(4, 'sd-3', { battery: 50, smoke: 0 }),
        r(5, 'sd-1', { battery: 25 }),
        r(6, 'sd-1', { battery: 29.9 }),
        r(7, 'sd-1', { battery: 30 }),
        r(8, 'sd-1', { battery: 25 }),
      ],
      ['2 sd-1 warning', '3 sd-1 critical', '5 sd-1 warning', '7 sd-1 resolved'],
    ],
    [
      'threshold below for 30 s: a tick fires it, rising back clears it',
      [battery({ forSeconds: 30 } as Partial<Rule>)],
      [r(0, 'sd-1', { battery: 8 }), tick(29_999), tick(30_000), r(40_000, 'sd-1', { battery: 95 })],
      ['30000 sd-1 critical', '40000 sd-1 resolved'],
    ],
    [
      'rate: cable temperature up 20 °C within 5 min',
      [
        {
          kind: 'rate',
          id: 'cable-rise',
          name: '电缆温升过快',
          category: 'electrical_safety',
          deviceType: 'electrical_fire',
          metric: 'cable_temperature',
          windowSeconds: 300,
          bands: [{ severity: 'warning', above: 20 }],
          clearAtOrBelow: 5,
        },
      ],
      [
        r(0, 'ef-1', { cable_temperature: 30 }),
        r(60_000, 'ef-1', { cable_temperature: 55 }),
        r(400_000, 'ef-1', { cable_temperature: 56 }),
      ],
      ['60000 ef-1 warning', '400000 ef-1 resolved'],
    ],
    [
      'no data: a door never opened fires after 10 s of ticks, opening it resolves',
      [
        {
          kind: 'no_data',
          id: 'door',
          name: '独居老人门磁长时间未开门',
          category: 'elderly_care',
          deviceType: 'door_sensor',
          metric: 'opened',
          equals: true,
          silentForSeconds: 10,
          severity: 'warning',
          scope: { regionIds: ['S1'] },
        },
      ],
      [
        tick(0),
        r(5000, 'door-1', { opened: false }),
        tick(9999),
        tick(10_000),
        r(12_000, 'door-1', { opened: true }),
        tick(21_999),
        tick(22_000),
      ],
      ['10000 door-1 warning', '12000 door-1 resolved', '22000 door-1 warning'],
    ],
    [
      'offline: last will, 60 s, back online with a reading',
      [
        {
          kind: 'offline',
          id: 'offline',
          name: '设备离线',
          category: 'device',
          forSeconds: 60,
          severity: 'info',
          scope: { deviceTypes: ['camera'] },
        },
      ],
      [
        { at: 0, status: ['cam-1', false] },
        tick(59_999),
        tick(60_000),
        { at: 70_000, event: ['cam-1', 'crowd_gathering'] },
        { at: 80_000, status: ['sd-1', false] },
        tick(200_000),
      ],
      ['60000 cam-1 info', '70000 cam-1 resolved'],
    ],
    [
      'event: fires once, repeats while firing send nothing, quiet 5 min resolves',
      [
        {
          kind: 'event',
          id: 'fire-cam',
          name: '视频识别烟火',
          category: 'fire_safety',
          eventType: 'fire_smoke',
          minConfidence: 0.7,
          severity: 'critical',
        },
      ],
      [
        { at: 0, event: ['cam-1', 'fire_smoke', 0.5] },
        { at: 1000, event: ['cam-1', 'fire_smoke', 0.9] },
        { at: 2000, event: ['cam-1', 'fire_smoke', 0.9] },
        tick(301_999),
        tick(302_000),
      ],
      ['1000 cam-1 critical', '302000 cam-1 resolved'],
    ],
  ])('%s', (_name, rules, steps, expected) => {
    expect(play(rules, steps)).toEqual(expected);
  });
});

const fireScenario: Rule = {
  kind: 'composite',
  id: 'fire-scenario',
  name: '火情研判',
  category: 'fire_safety',
  match: 'all',
  groupBy: 'grid',
  withinSeconds: 120,
  severity: 'critical',
  conditions: [
    { eventType: 'fire_smoke', minConfidence: 0.7 },
    { deviceType: 'smoke_detector', metric: 'smoke', risesBy: 3, withinSeconds: 60 },
    { deviceType: 'electrical_fire', metric: 'cable_temperature', above: 70 },
  ],
};

describe('RuleEngine: composite scenarios', () => {
  it('fires once on the representative device with its sources, and resolves when the window passes', () => {
    const engine = new RuleEngine([fireScenario], { regions: REGIONS });
    const signals: RiskSignal[] = [];
    const read = (ts: number, id: string, metrics: Reading['metrics']) => {
      const d = device(id);
      signals.push(
        ...engine.evaluateReading({ deviceId: id, gridId: d.gridId, deviceType: d.type, ts, metrics }),
      );
    };
    read(0, 'sd-1', { smoke: 0.1 });
    read(20_000, 'sd-1', { smoke: 4 });
    read(30_000, 'ef-2', { cable_temperature: 90 }); // another grid: does not count for G01
    expect(signals).toEqual([]);
    read(40_000, 'ef-1', { cable_temperature: 80 });
    signals.push(
      ...engine.evaluateEvent({
        deviceId: 'cam-1',
        gridId: 'G01',
        deviceType: 'camera',
        ts: 50_000,
        type: 'fire_smoke',
        confidence: 0.9,
      }),
    );
    read(60_000, 'ef-1', { cable_temperature: 85 });
    signals.push(...engine.tick(139_999));
    signals.push(...engine.tick(140_001));
    expect(signals).toEqual([
      {
        ruleId: 'fire-scenario',
        ruleName: '火情研判',
        category: 'fire_safety',
        deviceId: 'cam-1',
        gridId: 'G01',
        deviceType: 'camera',
        severity: 'critical',
        previousSeverity: null,
        at: 50_000,
        sources: [
          { deviceId: 'sd-1', gridId: 'G01', at: 20_000, metric: 'smoke', value: 3.9 },
          { deviceId: 'ef-1', gridId: 'G01', at: 40_000, metric: 'cable_temperature', value: 80 },
          { deviceId: 'cam-1', gridId: 'G01', at: 50_000, eventType: 'fire_smoke' },
        ],
      },
      expect.objectContaining({
        deviceId: 'cam-1',
        gridId: 'G01',
        severity: null,
        previousSeverity: 'critical',
        at: 140_001,
      }),
    ]);
  });

  it('groups a community: devices of two grids make one scenario', () => {
    const rule: Rule = {
      ...fireScenario,
      id: 'hot-cables',
      match: 'all',
      groupBy: 'community',
      conditions: [
        { deviceType: 'electrical_fire', metric: 'cable_temperature', above: 70 },
        { deviceType: 'smoke_detector', metric: 'smoke', above: 5 },
      ],
    };
    expect(
      play(
        [rule],
        [
          r(0, 'ef-2', { cable_temperature: 80 }),
          r(1000, 'sd-3', { smoke: 9 }),
          r(2000, 'sd-1', { smoke: 9 }),
        ],
      ),
    ).toEqual(['2000 ef-2 critical']);
  });
});

describe('RuleEngine: scope, schedules, overrides, flapping', () => {
  it.each<[string, Rule[], Step[], string[]]>([
    [
      'a grid-subtree scope listed twice (grid and its street) evaluates once',
      [smoke({ scope: { regionIds: ['G01', 'S1'] } })],
      [r(1, 'sd-1', { smoke: 20 }), r(2, 'sd-3', { smoke: 20 })],
      ['1 sd-1 critical'],
    ],
    [
      'a per-grid override: G03 warns above 1',
      [
        smoke({
          overrides: [{ regionId: 'S2', bands: [{ severity: 'warning', above: 1 }], clearAtOrBelow: 0.5 }],
        } as Partial<Rule>),
      ],
      [r(1, 'sd-1', { smoke: 3 }), r(2, 'sd-3', { smoke: 3 })],
      ['2 sd-3 warning'],
    ],
    [
      'a schedule (UTC 00:00–01:00): nothing outside, and a tick at the end resolves',
      [smoke({ schedule: { utcOffsetMinutes: 0, windows: [{ start: '00:00', end: '01:00' }] } })],
      [
        r(3_600_000, 'sd-1', { smoke: 20 }),
        r(86_400_000, 'sd-1', { smoke: 20 }),
        tick(86_400_000 + 3_599_999),
        tick(86_400_000 + 3_600_000),
      ],
      ['86400000 sd-1 critical', '90000000 sd-1 resolved'],
    ],
    [
      'flapping: after 2 changes in 60 s the resolve waits until they age out',
      [smoke({ flapping: { maxChanges: 2, windowSeconds: 60 } })],
      [
        r(0, 'sd-1', { smoke: 20 }),
        r(1000, 'sd-1', { smoke: 0 }),
        r(2000, 'sd-1', { smoke: 20 }),
        r(3000, 'sd-1', { smoke: 0 }),
        tick(60_999),
        tick(61_000),
      ],
      ['0 sd-1 critical', '1000 sd-1 resolved', '2000 sd-1 critical', '61000 sd-1 resolved'],
    ],
  ])('%s', (_name, rules, steps, expected) => {
    expect(play(rules, steps)).toEqual(expected);
  });
});

describe('RuleEngine: rule changes and restarts', () => {
  it('resolves the risks of a removed rule and keeps those of a changed one', () => {
    const engine = new RuleEngine([smoke(), { ...smoke(), id: 'smoke-2' }], { regions: REGIONS });
    expect(play([], [r(1, 'sd-1', { smoke: 20 })], engine)).toEqual(['1 sd-1 critical', '1 sd-1 critical']);
    const changed = smoke({ name: '烟雾浓度超限（新）' });
    const signals = engine.setRules([changed], 5);
    expect(signals.map((s) => [s.ruleId, s.severity, s.previousSeverity, s.at])).toEqual([
      ['smoke-2', null, 'critical', 5],
    ]);
    expect(play([], [r(6, 'sd-1', { smoke: 1 })], engine)).toEqual(['6 sd-1 resolved']);
  });

  it('picks up where it left off from its saved states', () => {
    const rules: Rule[] = [smoke({ forSeconds: 30 } as Partial<Rule>), fireScenario];
    const first = new RuleEngine(rules, { regions: REGIONS });
    expect(
      play([], [r(0, 'sd-1', { smoke: 20 }), tick(30_000), r(40_000, 'sd-1', { smoke: 9 })], first),
    ).toEqual(['30000 sd-1 critical', '40000 sd-1 warning']);
    const saved = first.takeChanges(50_000);
    expect(saved.upserts.map((u) => [u.ruleId, u.subject, u.severity])).toEqual([
      ['smoke', 'sd-1', 'warning'],
      ['fire-scenario', 'G01', null],
    ]);

    const second = new RuleEngine(rules, { regions: REGIONS });
    second.loadStates(saved.upserts);
    expect(play([], [r(60_000, 'sd-1', { smoke: 9 }), r(70_000, 'sd-1', { smoke: 1 })], second)).toEqual([
      '70000 sd-1 resolved',
    ]);
    const resolved = second.takeChanges(80_000);
    expect(resolved.upserts.map((u) => [u.ruleId, u.subject, u.severity])).toEqual([
      ['smoke', 'sd-1', null],
      ['fire-scenario', 'G01', null],
    ]);
    // The states of a rule that is gone are forgotten, in the database too.
    const third = new RuleEngine([smoke()], { regions: REGIONS });
    third.loadStates(saved.upserts);
    expect(third.takeChanges(80_000).deletes).toEqual([{ ruleId: 'fire-scenario', subject: 'G01' }]);
  });
});

describe('RuleIndex through the engine: cost follows the rules that can match', () => {
  it('touches only rules of the reading’s type, metric and grid among 10,000', () => {
    const perGrid: Rule[] = Array.from({ length: 10_000 }, (_, i) =>
      smoke({ id: `smoke-${i}`, scope: { regionIds: [`G${String(i).padStart(2, '0')}`] } }),
    );
    const engine = new RuleEngine(perGrid, { regions: REGIONS });
    const fired = engine.evaluateReading({
      deviceId: 'sd-1',
      gridId: 'G01',
      deviceType: 'smoke_detector',
      ts: 1,
      metrics: { smoke: 20 },
    });
    expect(fired.map((s) => s.ruleId)).toEqual(['smoke-1']);
    expect(engine.stateOf('smoke-2', 'sd-1')).toBeUndefined();
  });

  it('reads the severity a rule holds', () => {
    const engine = new RuleEngine([smoke()], { regions: REGIONS });
    engine.evaluateReading({
      deviceId: 'sd-1',
      gridId: 'G01',
      deviceType: 'smoke_detector',
      ts: 1,
      metrics: { smoke: 7 },
    });
    expect(engine.stateOf('smoke', 'sd-1')?.severity).toBe<Severity>('warning');
  });
});
