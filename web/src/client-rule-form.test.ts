import { inEnglish, validateRule } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import {
  fieldOfProblem,
  formOfRule,
  metricsOf,
  problemsByField,
  regionTree,
  ruleOfForm,
  THRESHOLD_DEVICE_TYPES,
  unitOf,
} from '../client/src/lib/rule-form';

const lowPressure = {
  kind: 'threshold',
  id: 'hydrant-low',
  name: '消火栓水压不足',
  category: 'fire_safety',
  deviceType: 'fire_hydrant',
  metric: 'pressure',
  direction: 'below',
  bands: [
    { severity: 'warning', below: 0.1 },
    { severity: 'critical', below: 0.05 },
  ],
  clearAtOrAbove: 0.15,
  scope: { regionIds: ['C1'] },
  schedule: { windows: [{ start: '08:00', end: '20:00' }] },
};

describe('rule form: a view of the rule JSON both ways', () => {
  it('reads a below rule into fields and writes it back unchanged, schedule kept', () => {
    const form = formOfRule(lowPressure)!;
    expect(form).toMatchObject({
      direction: 'below',
      bands: [
        { severity: 'warning', level: '0.1' },
        { severity: 'critical', level: '0.05' },
      ],
      clear: '0.15',
      forSeconds: '',
      regionIds: ['C1'],
      schedule: [{ days: [], start: '08:00', end: '20:00' }],
    });
    expect(ruleOfForm(form, lowPressure)).toEqual(lowPressure);
  });

  it('reads a stored rule without a direction as above, and writes none back', () => {
    const stored = {
      ...lowPressure,
      bands: [{ severity: 'warning', above: 5 }],
      clearAtOrBelow: 2,
    } as Record<string, unknown>;
    delete stored.direction;
    delete stored.clearAtOrAbove;
    const form = formOfRule(stored)!;
    expect(form.direction).toBe('above');
    expect(ruleOfForm(form, stored)).toEqual(stored);
  });

  it('turning an above rule into a below one renames its band and clear fields, and it validates', () => {
    const form = formOfRule({
      kind: 'threshold',
      id: 'battery-low',
      name: '烟感电量低',
      category: 'fire_safety',
      deviceType: 'smoke_detector',
      metric: 'battery',
      bands: [{ severity: 'warning', above: 80 }],
      clearAtOrBelow: 70,
      forSeconds: 60,
    })!;
    form.direction = 'below';
    form.bands = [
      { severity: 'info', level: '20' },
      { severity: 'warning', level: '10' },
    ];
    form.clear = '50';
    form.forSeconds = '';
    const rule = ruleOfForm(form, {});
    expect(rule).toEqual({
      kind: 'threshold',
      id: 'battery-low',
      name: '烟感电量低',
      category: 'fire_safety',
      deviceType: 'smoke_detector',
      metric: 'battery',
      direction: 'below',
      bands: [
        { severity: 'info', below: 20 },
        { severity: 'warning', below: 10 },
      ],
      clearAtOrAbove: 50,
    });
    expect(validateRule(rule).ok).toBe(true);
  });

  it('writes the schedule windows, keeping the UTC offset, and drops the schedule with no window', () => {
    const withOffset = { ...lowPressure, schedule: { utcOffsetMinutes: 420, windows: [] } };
    const form = formOfRule(lowPressure)!;
    form.schedule = [
      { days: [7, 6], start: '22:00', end: '06:00' },
      { days: [], start: '12:00', end: '13:00' },
    ];
    const rule = ruleOfForm(form, withOffset);
    expect(rule.schedule).toEqual({
      utcOffsetMinutes: 420,
      windows: [
        { days: [6, 7], start: '22:00', end: '06:00' },
        { start: '12:00', end: '13:00' },
      ],
    });
    expect(validateRule(rule).ok).toBe(true);
    form.schedule = [];
    expect('schedule' in ruleOfForm(form, withOffset)).toBe(false);
  });

  it('sends what does not parse as typed, so the API names the field', () => {
    const form = formOfRule(lowPressure)!;
    form.bands[0]!.level = 'low';
    const result = validateRule(ruleOfForm(form, lowPressure));
    expect(result.ok ? [] : inEnglish(result.errors)).toContain('bands[0].below must be a number');
  });

  it('leaves other kinds to the JSON view', () => {
    expect(formOfRule({ kind: 'rate', id: 'r' })).toBeNull();
    expect(formOfRule({ ...lowPressure, direction: 'sideways' })).toBeNull();
    expect(formOfRule('nonsense')).toBeNull();
  });

  it('offers the metrics and unit of the chosen device type, and only types with metrics', () => {
    expect(metricsOf('smoke_detector')).toEqual(['smoke', 'temperature', 'battery']);
    expect(unitOf('fire_hydrant', 'pressure')).toBe('MPa');
    expect(THRESHOLD_DEVICE_TYPES).toContain('fire_hydrant');
    expect(THRESHOLD_DEVICE_TYPES).not.toContain('camera');
  });

  it.each([
    ['bands[1].below must be below 0.1, where the milder warning band starts (critical is graver)', 'band1'],
    ['clearAtOrAbove must not be below the highest band', 'clear'],
    ['clearAtOrBelow must be a number', 'clear'],
    ['scope.regionIds: no region G99', 'scope'],
    ['metric volume is not reported by noise (it reports noise_db)', 'metric'],
    ['bands must not repeat a severity', 'bands'],
    ['name must be a non-empty string', 'name'],
    ['schedule.windows[0].start must be HH:MM', 'schedule'],
    ['use forSeconds or repeat, not both', 'other'],
  ])('puts "%s" under %s', (detail, field) => {
    expect(fieldOfProblem(detail)).toBe(field);
  });

  it('groups the problems by field', () => {
    const byField = problemsByField([
      'bands[0].below must be a number',
      'bands[0].severity must be info, warning or critical',
    ]);
    expect([...byField.keys()]).toEqual(['band0']);
    expect(byField.get('band0')).toHaveLength(2);
  });

  it('lists regions for the scope picker in tree order, each under its parent', () => {
    const regions = [
      { id: 'G02', parentId: 'C1' },
      { id: 'C1', parentId: 'S1' },
      { id: 'G01', parentId: 'C1' },
      { id: 'D1', parentId: null },
      { id: 'S1', parentId: 'D1' },
      { id: 'C2', parentId: 'S1' },
    ];
    expect(regionTree(regions).map(({ region, depth }) => `${depth} ${region.id}`)).toEqual([
      '0 D1',
      '1 S1',
      '2 C1',
      '3 G01',
      '3 G02',
      '2 C2',
    ]);
  });
});
