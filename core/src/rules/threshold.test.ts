import { describe, expect, it } from 'vitest';
import type { Severity } from '../model';
import type { Reading } from '../reading';
import { bandLevel } from './band-order';
import type { BelowThresholdRule, ThresholdRule } from './rule-types';
import {
  evaluateThreshold,
  isMaturing,
  maturedSeverity,
  newThresholdMemory,
  stepThreshold,
  thresholdLevels,
  thresholdSeverity,
} from './threshold';

const gas: ThresholdRule = {
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

/** Runs readings [ts, value] through one rule; returns the verdict after each. */
function run(rule: ThresholdRule, readings: [number, number][]): (Severity | null)[] {
  const memory = newThresholdMemory();
  let condition: Severity | null = null;
  return readings.map(([ts, value]) => (condition = stepThreshold(rule, rule, memory, condition, value, ts)));
}

describe('thresholdSeverity (bands: warning > 50, critical > 80; clears at ≤ 40)', () => {
  const reversed: ThresholdRule = { ...gas, bands: [...gas.bands].reverse() };
  it.each<[number, Severity | null, Severity | null]>([
    [30, null, null],
    [50, null, null],
    [50.01, null, 'warning'],
    [80, null, 'warning'],
    [80.01, null, 'critical'],
    [90, 'warning', 'critical'],
    [70, 'critical', 'warning'],
    [45, null, null],
    [45, 'warning', 'warning'],
    [45, 'critical', 'warning'],
    [40.01, 'warning', 'warning'],
    [40, 'warning', null],
    [-5, 'critical', null],
  ])('value %d with current %s → %s', (value, current, expected) => {
    expect(thresholdSeverity(gas, value, current)).toBe(expected);
    expect(thresholdSeverity(reversed, value, current)).toBe(expected);
  });
});

const hydrant: BelowThresholdRule = {
  kind: 'threshold',
  id: 'r-hydrant',
  name: '消防栓水压低',
  category: 'fire_safety',
  deviceType: 'fire_hydrant',
  metric: 'pressure',
  direction: 'below',
  bands: [
    { severity: 'warning', below: 0.1 },
    { severity: 'critical', below: 0.05 },
  ],
  clearAtOrAbove: 0.12,
};

describe('thresholdSeverity below (bands: warning ≤ 0.1, critical ≤ 0.05; clears at ≥ 0.12)', () => {
  const reversed: BelowThresholdRule = { ...hydrant, bands: [...hydrant.bands].reverse() };
  it.each<[number, Severity | null, Severity | null]>([
    [0.3, null, null],
    [0.1001, null, null],
    [0.1, null, 'warning'],
    [0.08, null, 'warning'],
    [0.0501, null, 'warning'],
    [0.05, null, 'critical'],
    [0.04, 'warning', 'critical'],
    [0, null, 'critical'],
    [0.07, 'critical', 'warning'],
    [0.11, null, null],
    [0.11, 'warning', 'warning'],
    [0.11, 'critical', 'warning'],
    [0.1199, 'warning', 'warning'],
    [0.12, 'warning', null],
    [0.5, 'critical', null],
  ])('value %d with current %s → %s', (value, current, expected) => {
    expect(thresholdSeverity(hydrant, value, current)).toBe(expected);
    expect(thresholdSeverity(reversed, value, current)).toBe(expected);
  });

  it('an above rule without a direction keeps its strict edge: 50 is not above 50', () => {
    const stored = { ...gas } as ThresholdRule;
    expect('direction' in stored).toBe(false);
    expect(thresholdSeverity(stored, 50, null)).toBeNull();
    expect(thresholdSeverity({ ...stored, direction: 'above' } as ThresholdRule, 50.01, null)).toBe(
      'warning',
    );
  });
});

describe('stepThreshold below', () => {
  it.each<[string, BelowThresholdRule, [number, number][], (Severity | null)[]]>([
    [
      'plain: falls, down a band, back up a band, hold in the gap, clear',
      hydrant,
      [
        [0, 0.3],
        [1, 0.09],
        [2, 0.04],
        [3, 0.07],
        [4, 0.11],
        [5, 0.12],
        [6, 0.11],
      ],
      [null, 'warning', 'critical', 'warning', 'warning', null, null],
    ],
    [
      'duration 600 s: fires only after the pressure stayed low ten minutes',
      { ...hydrant, forSeconds: 600 },
      [
        [0, 0.09],
        [300_000, 0.2],
        [310_000, 0.04],
        [909_999, 0.04],
        [910_000, 0.045],
      ],
      [null, null, null, null, 'critical'],
    ],
  ])('%s', (_name, rule, readings, expected) => {
    expect(run(rule, readings)).toEqual(expected);
  });

  it('a region override of a below rule keeps its direction', () => {
    const rule: BelowThresholdRule = {
      ...hydrant,
      overrides: [{ regionId: 'C1', bands: [{ severity: 'critical', below: 0.2 }], clearAtOrAbove: 0.25 }],
    };
    const levels = thresholdLevels(rule, ['G01', 'C1']);
    expect(thresholdSeverity(levels, 0.2, null)).toBe('critical');
    expect(thresholdSeverity(levels, 0.22, 'critical')).toBe('critical');
    expect(thresholdSeverity(levels, 0.25, 'critical')).toBeNull();
  });
});

describe('stepThreshold', () => {
  it.each<[string, ThresholdRule, [number, number][], (Severity | null)[]]>([
    [
      'plain: rise, up a band, down a band, hold in the gap, clear',
      gas,
      [
        [0, 30],
        [1, 60],
        [2, 90],
        [3, 70],
        [4, 45],
        [5, 40],
        [6, 45],
      ],
      [null, 'warning', 'critical', 'warning', 'warning', null, null],
    ],
    [
      'duration 60 s: fires only after the band held a full minute',
      { ...gas, forSeconds: 60 },
      [
        [0, 60],
        [30_000, 62],
        [59_999, 65],
        [60_000, 61],
        [61_000, 90],
        [120_000, 95],
        [121_000, 91],
      ],
      [null, null, null, 'warning', 'warning', 'warning', 'critical'],
    ],
    [
      'duration 60 s: a dip below the band restarts the clock',
      { ...gas, forSeconds: 60 },
      [
        [0, 60],
        [30_000, 45],
        [40_000, 60],
        [90_000, 60],
        [100_000, 60],
      ],
      [null, null, null, null, 'warning'],
    ],
    [
      'duration 60 s: goes down and clears at once, hysteresis still applies',
      { ...gas, forSeconds: 60 },
      [
        [0, 90],
        [60_000, 90],
        [61_000, 60],
        [62_000, 45],
        [63_000, 40],
      ],
      [null, 'critical', 'warning', 'warning', null],
    ],
    [
      'repeat 3 of 5: two spikes are noise, the third fires',
      { ...gas, repeat: { count: 3, of: 5 } },
      [
        [0, 60],
        [1, 10],
        [2, 60],
        [3, 10],
        [4, 90],
        [5, 60],
        [6, 10],
      ],
      [null, null, null, null, 'warning', 'warning', 'warning'],
    ],
    [
      'repeat 3 of 5: clears once fewer than 3 of the last 5 were in a band',
      { ...gas, repeat: { count: 3, of: 5 } },
      [
        [0, 90],
        [1, 90],
        [2, 90],
        [3, 10],
        [4, 10],
        [5, 10],
      ],
      [null, null, 'critical', 'critical', 'critical', null],
    ],
  ])('%s', (_name, rule, readings, expected) => {
    expect(run(rule, readings)).toEqual(expected);
  });

  it('matures a duration on the clock alone (a tick), with no new reading', () => {
    const rule: ThresholdRule = { ...gas, forSeconds: 60 };
    const memory = newThresholdMemory();
    const condition = stepThreshold(rule, rule, memory, null, 85, 1000);
    expect(condition).toBeNull();
    expect(isMaturing(memory, condition)).toBe(true);
    expect(maturedSeverity(rule, rule, memory, 60_999)).toBeNull();
    expect(maturedSeverity(rule, rule, memory, 61_000)).toBe('critical');
    expect(isMaturing(memory, 'critical')).toBe(false);
  });
});

describe('thresholdLevels (per-region overrides, nearest region wins)', () => {
  const rule: ThresholdRule = {
    ...gas,
    overrides: [
      { regionId: 'C1', bands: [{ severity: 'warning', above: 30 }], clearAtOrBelow: 20 },
      { regionId: 'G01', bands: [{ severity: 'critical', above: 20 }], clearAtOrBelow: 10 },
    ],
  };
  it.each<[string, string[], number]>([
    ['grid with its own override', ['G01', 'C1', 'S1', 'D1'], 20],
    ['grid inside an overridden community', ['G02', 'C1', 'S1', 'D1'], 30],
    ['grid elsewhere', ['G09', 'C4', 'S2', 'D1'], 50],
  ])('%s', (_name, lineage, lowestBand) => {
    expect(Math.min(...thresholdLevels(rule, lineage).bands.map(bandLevel))).toBe(lowestBand);
  });
});

describe('evaluateThreshold (stateless, plain rules)', () => {
  const reading = (metrics: Reading['metrics']): Reading => ({
    deviceId: 'gd-1',
    gridId: 'g-1',
    deviceType: 'gas_detector',
    ts: 1000,
    metrics,
  });
  it.each<[string, Reading['metrics'], Severity | null, Severity | null | 'none']>([
    ['rises to warning', { gas_lel: 60 }, null, 'warning'],
    ['metric absent while firing', { smoke: 99 }, 'critical', 'none'],
    ['same severity again', { gas_lel: 95 }, 'critical', 'none'],
    ['clears', { gas_lel: 40 }, 'warning', null],
  ])('%s', (_name, metrics, current, expected) => {
    const signal = evaluateThreshold(gas, reading(metrics), current);
    if (expected === 'none') expect(signal).toBeUndefined();
    else
      expect(signal).toEqual({
        ruleId: 'r-gas',
        ruleName: 'Gas leak',
        category: 'gas_safety',
        deviceId: 'gd-1',
        gridId: 'g-1',
        deviceType: 'gas_detector',
        severity: expected,
        previousSeverity: current,
        metric: 'gas_lel',
        value: metrics.gas_lel,
        at: 1000,
      });
  });

  it('compares a boolean metric as 1/0', () => {
    const trapped: ThresholdRule = {
      ...gas,
      metric: 'trapped',
      bands: [{ severity: 'critical', above: 0.5 }],
      clearAtOrBelow: 0,
    };
    expect(evaluateThreshold(trapped, reading({ trapped: true }), null)).toMatchObject({
      severity: 'critical',
      value: 1,
    });
    expect(evaluateThreshold(trapped, reading({ trapped: false }), 'critical')).toMatchObject({
      severity: null,
      value: 0,
    });
  });
});
