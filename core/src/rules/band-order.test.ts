import { describe, expect, it } from 'vitest';
import type { Severity } from '../model';
import { bandOrderProblems, describeBandOrder } from './band-order';
import { validateRule } from './validate-rule';

const bands = (...pairs: [Severity, number][]) => pairs.map(([severity, above]) => ({ severity, above }));

describe('band order: a graver band starts higher', () => {
  it.each([
    ['one band', bands(['warning', 15]), []],
    ['warning then critical, rising', bands(['warning', 10], ['critical', 15]), []],
    ['listed in any order', bands(['critical', 30], ['info', 5], ['warning', 20]), []],
    ['critical below warning (the reported case)', bands(['warning', 15], ['critical', 10]), [1]],
    ['critical equal to warning', bands(['warning', 15], ['critical', 15]), [1]],
    ['warning below info', bands(['info', 20], ['warning', 10], ['critical', 30]), [1]],
    ['critical below info, above warning', bands(['info', 20], ['warning', 25], ['critical', 22]), [2]],
    ['all inverted', bands(['info', 30], ['warning', 20], ['critical', 10]), [1, 2]],
    ['negative levels in order', bands(['warning', -10], ['critical', -2]), []],
  ])('%s', (_name, given, outOfOrder) => {
    expect(bandOrderProblems(given).map((p) => p.index)).toEqual(outOfOrder);
  });

  it('names the field, the level and the milder band', () => {
    const [problem] = bandOrderProblems(bands(['warning', 15], ['critical', 10]));
    expect(describeBandOrder(problem!, 'overrides[0].')).toBe(
      'overrides[0].bands[1].above must be above 15, where the milder warning band starts (critical is graver)',
    );
  });

  it('refuses an inverted threshold rule, its override and a rate rule', () => {
    const base = {
      id: 'inverted',
      name: '水位',
      category: 'flood',
      deviceType: 'water_level',
      metric: 'level',
      scope: { regionIds: ['D1'] },
    };
    const threshold = validateRule({
      ...base,
      kind: 'threshold',
      bands: bands(['warning', 15], ['critical', 10]),
      clearAtOrBelow: 5,
      overrides: [{ regionId: 'G01', bands: bands(['warning', 3], ['critical', 2]), clearAtOrBelow: 1 }],
    });
    expect(threshold.ok ? [] : threshold.errors).toEqual([
      'bands[1].above must be above 15, where the milder warning band starts (critical is graver)',
      'overrides[0].bands[1].above must be above 3, where the milder warning band starts (critical is graver)',
    ]);
    const rate = validateRule({
      ...base,
      kind: 'rate',
      windowSeconds: 600,
      bands: bands(['warning', 0.2], ['critical', 0.1]),
      clearAtOrBelow: 0,
    });
    expect(rate.ok ? [] : rate.errors).toEqual([
      'bands[1].above must be above 0.2, where the milder warning band starts (critical is graver)',
    ]);
  });
});
