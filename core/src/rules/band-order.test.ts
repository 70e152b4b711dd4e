import { describe, expect, it } from 'vitest';
import type { Severity } from '../model';
import { englishOf } from '../api-texts';
import { inEnglish } from '../errors';
import { bandOrderProblems, describeBandOrder } from './band-order';
import { validateRule } from './validate-rule';

const bands = (...pairs: [Severity, number][]) => pairs.map(([severity, above]) => ({ severity, above }));
const floors = (...pairs: [Severity, number][]) => pairs.map(([severity, below]) => ({ severity, below }));

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

  it.each([
    ['below: one band', floors(['warning', 0.1]), []],
    ['below: critical lower than warning', floors(['warning', 0.1], ['critical', 0.05]), []],
    ['below: listed in any order', floors(['critical', 10], ['info', 30], ['warning', 20]), []],
    ['below: critical above warning (inverted)', floors(['warning', 0.05], ['critical', 0.1]), [1]],
    ['below: critical equal to warning', floors(['warning', 0.1], ['critical', 0.1]), [1]],
    ['below: all inverted', floors(['info', 10], ['warning', 20], ['critical', 30]), [1, 2]],
  ])('%s', (_name, given, outOfOrder) => {
    expect(bandOrderProblems(given).map((p) => p.index)).toEqual(outOfOrder);
  });

  it('names a below band by its side', () => {
    const [problem] = bandOrderProblems(floors(['warning', 0.05], ['critical', 0.1]));
    expect(englishOf(describeBandOrder(problem!))).toBe(
      'bands[1].below must be below 0.05, where the milder warning band starts (critical is graver)',
    );
  });

  it('refuses an inverted below rule, its override, and a clear level inside the bands', () => {
    const rule = {
      id: 'low-pressure',
      name: '消防栓水压低',
      category: 'fire_safety',
      kind: 'threshold',
      deviceType: 'fire_hydrant',
      metric: 'pressure',
      direction: 'below',
    };
    const inverted = validateRule({
      ...rule,
      bands: floors(['warning', 0.05], ['critical', 0.1]),
      clearAtOrAbove: 0.12,
      overrides: [
        { regionId: 'G01', bands: floors(['warning', 0.2], ['critical', 0.3]), clearAtOrAbove: 0.3 },
      ],
    });
    expect(inverted.ok ? [] : inEnglish(inverted.errors)).toEqual([
      'bands[1].below must be below 0.05, where the milder warning band starts (critical is graver)',
      'overrides[0].bands[1].below must be below 0.2, where the milder warning band starts (critical is graver)',
    ]);
    const clearInside = validateRule({
      ...rule,
      bands: floors(['warning', 0.1], ['critical', 0.05]),
      clearAtOrAbove: 0.08,
    });
    expect(clearInside.ok ? [] : inEnglish(clearInside.errors)).toEqual([
      'clearAtOrAbove must not be below the highest band',
    ]);
    const aboveFields = validateRule({
      ...rule,
      bands: bands(['warning', 0.1]),
      clearAtOrBelow: 0.12,
    });
    expect(aboveFields.ok ? [] : inEnglish(aboveFields.errors)).toEqual([
      'unknown field clearAtOrBelow',
      'bands[0].below must be a number',
      'clearAtOrAbove must be a number',
    ]);
    const good = validateRule({
      ...rule,
      bands: floors(['warning', 0.1], ['critical', 0.05]),
      clearAtOrAbove: 0.12,
    });
    expect(good.ok).toBe(true);
    expect(validateRule({ ...rule, direction: 'down' }).ok ? [] : ['refused']).toEqual(['refused']);
  });

  it('names the field, the level and the milder band', () => {
    const [problem] = bandOrderProblems(bands(['warning', 15], ['critical', 10]));
    expect(englishOf(describeBandOrder(problem!, 'overrides[0].'))).toBe(
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
    expect(threshold.ok ? [] : inEnglish(threshold.errors)).toEqual([
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
    expect(rate.ok ? [] : inEnglish(rate.errors)).toEqual([
      'bands[1].above must be above 0.2, where the milder warning band starts (critical is graver)',
    ]);
  });
});
