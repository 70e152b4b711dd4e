import { describe, expect, it } from 'vitest';
import { inEnglish } from './errors';
import { validateRule, type Rule } from './rules';

const gas: Rule = {
  kind: 'threshold',
  id: 'r-gas',
  name: 'Gas leak',
  category: 'gas_safety',
  deviceType: 'gas_detector',
  metric: 'gas_lel',
  bands: [
    { severity: 'warning', above: 50 },
    { severity: 'critical', above: 80 },
  ],
  clearAtOrBelow: 40,
};

const VALID: [string, Rule][] = [
  ['threshold', gas],
  ['threshold clearing exactly at the lowest band', { ...gas, clearAtOrBelow: 50 }],
  ['threshold with a duration', { ...gas, forSeconds: 60 }],
  ['threshold with repeat 3 of 5', { ...gas, repeat: { count: 3, of: 5 } }],
  [
    'threshold with scope, schedule, flapping and a per-grid override',
    {
      ...gas,
      scope: { regionIds: ['S1'], deviceIds: ['gd-1'] },
      schedule: { windows: [{ days: [1, 2, 3, 4, 5], start: '22:00', end: '06:00' }] },
      flapping: { maxChanges: 3, windowSeconds: 300 },
      overrides: [{ regionId: 'G01', bands: [{ severity: 'warning', above: 30 }], clearAtOrBelow: 20 }],
    },
  ],
  [
    'threshold on a registry-added type (metric not checked)',
    { ...gas, deviceType: 'river_gauge', metric: 'flow' },
  ],
  [
    'rate: water rising 0.2 m in 10 min',
    {
      kind: 'rate',
      id: 'r-rise',
      name: '水位快速上涨',
      category: 'flood',
      deviceType: 'water_level',
      metric: 'level',
      windowSeconds: 600,
      bands: [{ severity: 'warning', above: 0.2 }],
      clearAtOrBelow: 0.05,
    },
  ],
  [
    'no_data: door not opened for 24 h',
    {
      kind: 'no_data',
      id: 'r-door',
      name: '独居老人门磁 24 小时未开门',
      category: 'elderly_care',
      deviceType: 'door_sensor',
      metric: 'opened',
      equals: true,
      silentForSeconds: 86_400,
      severity: 'warning',
    },
  ],
  [
    'offline',
    { kind: 'offline', id: 'r-off', name: '设备离线', category: 'device', forSeconds: 300, severity: 'info' },
  ],
  [
    'event with repeats',
    {
      kind: 'event',
      id: 'r-crowd',
      name: '人员聚集',
      category: 'public_order',
      eventType: 'crowd_gathering',
      minConfidence: 0,
      severity: 'warning',
      repeat: { count: 3, withinSeconds: 120 },
      clearAfterSeconds: 600,
    },
  ],
  [
    'composite fire scenario',
    {
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
    },
  ],
];

describe('validateRule accepts', () => {
  it.each(VALID)('%s', (_name, rule) => {
    expect(validateRule(rule)).toEqual({ ok: true, rule });
  });
});

const base = { id: 'r', name: 'n', category: 'c' };

describe('validateRule rejects, listing every error', () => {
  it.each<[string, unknown, string[]]>([
    ['null', null, ['rule must be an object']],
    ['an array', [gas], ['rule must be an object']],
    ['no kind', base, ['kind must be one of threshold, rate, no_data, offline, event, composite']],
    [
      'unknown kind and no strings',
      { kind: 'cron', id: '' },
      [
        'id must be a non-empty string',
        'name must be a non-empty string',
        'category must be a non-empty string',
        'kind must be one of threshold, rate, no_data, offline, event, composite',
      ],
    ],
    [
      'threshold: every field wrong',
      {
        kind: 'threshold',
        id: 'a b',
        name: 5,
        deviceType: '',
        bands: [{ severity: 'fatal', above: '50' }, { severity: 'critical' }, null],
        clearAtOrBelow: '40',
        clearAtOrBellow: 40,
      },
      [
        'unknown field clearAtOrBellow',
        'id must match ^[A-Za-z0-9_-]{1,64}$',
        'name must be a non-empty string',
        'category must be a non-empty string',
        'deviceType must be a non-empty string',
        'metric must be a non-empty string',
        'bands[0].severity must be info, warning or critical',
        'bands[0].above must be a number',
        'bands[1].above must be a number',
        'bands[2].severity must be info, warning or critical',
        'bands[2].above must be a number',
        'clearAtOrBelow must be a number',
      ],
    ],
    [
      'threshold: missing bands and clear level both reported',
      { ...base, kind: 'threshold', deviceType: 'gas_detector', metric: 'gas_lel' },
      ['bands must be a non-empty array', 'clearAtOrBelow must be a number'],
    ],
    [
      'threshold: clear above the lowest band, a repeated severity',
      { ...gas, bands: [...(gas.kind === 'threshold' ? gas.bands : []), { severity: 'warning', above: 45 }] },
      ['bands must not repeat a severity'],
    ],
    [
      'threshold: clear above the lowest band',
      { ...gas, clearAtOrBelow: 50.5 },
      ['clearAtOrBelow must not be above the lowest band'],
    ],
    [
      'threshold: a metric the standard type does not report',
      { ...gas, metric: 'smoke' },
      ['metric smoke is not reported by gas_detector (it reports gas_lel)'],
    ],
    [
      'threshold: duration and repeat together, repeat count above of',
      { ...gas, forSeconds: 0, repeat: { count: 6, of: 5 } },
      [
        'forSeconds must be a number above 0 and at most 2678400',
        'repeat.count must not exceed repeat.of',
        'use forSeconds or repeat, not both',
      ],
    ],
    [
      'threshold: bad override, scope, schedule and flapping',
      {
        ...gas,
        overrides: [{ regionId: 'G 1', bands: [], clearAtOrBelow: 1 }],
        scope: { regionIds: [], grids: ['G01'] },
        schedule: { windows: [{ start: '25:00', end: '6:00', days: [0] }] },
        flapping: { maxChanges: 0, windowSeconds: -1 },
      },
      [
        'unknown field scope.grids',
        'scope.regionIds must be a non-empty array',
        'schedule.windows[0].start must be HH:MM',
        'schedule.windows[0].end must be HH:MM',
        'schedule.windows[0].days must list weekdays 1 (Monday) to 7 (Sunday)',
        'flapping.maxChanges must be an integer 1–100',
        'flapping.windowSeconds must be a number above 0 and at most 2678400',
        'overrides[0].regionId must match ^[A-Za-z0-9_-]{1,64}$',
        'overrides[0].bands must be a non-empty array',
      ],
    ],
    [
      'rate: no window, bad direction',
      {
        ...base,
        kind: 'rate',
        deviceType: 'water_level',
        metric: 'level',
        direction: 'up',
        bands: [{ severity: 'warning', above: 0.2 }],
        clearAtOrBelow: 0,
      },
      ['windowSeconds must be a number above 0 and at most 2678400', 'direction must be rise or fall'],
    ],
    [
      'no_data: equals without a metric, no silence, bad severity',
      { ...base, kind: 'no_data', deviceType: 'door_sensor', equals: 'yes', severity: 'high' },
      [
        'equals needs a metric',
        'equals must be a number or a boolean',
        'silentForSeconds must be a number above 0 and at most 2678400',
        'severity must be info, warning or critical',
      ],
    ],
    [
      'offline: a metric it does not take',
      { ...base, kind: 'offline', forSeconds: 60, severity: 'info', metric: 'x' },
      ['unknown field metric'],
    ],
    [
      'event: every field wrong',
      { ...base, kind: 'event', eventType: '', minConfidence: 1.5, severity: 'high', repeat: { count: 0 } },
      [
        'eventType must be a non-empty string',
        'minConfidence must be 0–1',
        'severity must be info, warning or critical',
        'repeat.count must be an integer 1–1000',
        'repeat.withinSeconds must be a number above 0 and at most 2678400',
      ],
    ],
    [
      'event: minConfidence as string',
      { ...base, kind: 'event', eventType: 'x', minConfidence: '0.8', severity: 'info' },
      ['minConfidence must be 0–1'],
    ],
    [
      'composite: every field wrong',
      {
        ...base,
        kind: 'composite',
        match: 'both',
        groupBy: 'street',
        withinSeconds: 0,
        severity: 'critical',
        conditions: [
          { deviceType: 'smoke_detector', metric: 'smoke' },
          { deviceType: 'smoke_detector', metric: 'gas_lel', above: 'x' },
          { eventType: 'fire_smoke', minConfidence: 2 },
          { deviceType: 'water_level', metric: 'level', risesBy: 0, withinSeconds: 60, extra: 1 },
        ],
      },
      [
        'match must be all or any',
        'groupBy must be grid or community',
        'withinSeconds must be a number above 0 and at most 2678400',
        'conditions[0] must be one of: deviceType + metric + above, or deviceType + metric + risesBy + withinSeconds, or eventType (+ minConfidence)',
        'conditions[1].above must be a number',
        'conditions[1].metric gas_lel is not reported by smoke_detector (it reports smoke, temperature, battery)',
        'conditions[2].minConfidence must be 0–1',
        'unknown field conditions[3].extra',
        'conditions[3].risesBy must be a number above 0',
      ],
    ],
    [
      'composite: no conditions',
      {
        ...base,
        kind: 'composite',
        match: 'any',
        groupBy: 'grid',
        withinSeconds: 60,
        severity: 'info',
        conditions: [],
      },
      ['conditions must be an array of 1 to 10 conditions'],
    ],
  ])('%s', (_name, input, errors) => {
    const result = validateRule(input);
    expect(result.ok ? result : { ...result, errors: inEnglish(result.errors) }).toEqual({
      ok: false,
      errors,
    });
  });
});
