import { describe, expect, it } from 'vitest';
import { findFusionTarget, findSuppressingParent } from './case-fusion';
import { caseIn, NOW } from './case-test-fixture';
import type { RegionLevel } from './model';

const MIN = 60_000;
const open = [
  caseIn('dispatched', {
    id: 'fire-G01',
    gridId: 'G01',
    category: 'fire_safety',
    lastSignalAt: NOW - 5 * MIN,
  }),
  caseIn('accepted', {
    id: 'fire-G01-old',
    gridId: 'G01',
    category: 'fire_safety',
    lastSignalAt: NOW - 9 * MIN,
  }),
  caseIn('resolved', {
    id: 'fire-G02-done',
    gridId: 'G02',
    category: 'fire_safety',
    lastSignalAt: NOW - MIN,
  }),
  caseIn('dispatched', {
    id: 'gas-G03',
    gridId: 'G03',
    category: 'gas_safety',
    lastSignalAt: NOW - 20 * MIN,
  }),
  caseIn('dispatched', {
    id: 'power-C1',
    gridId: 'G01',
    category: 'power_outage',
    lastSignalAt: NOW - 60 * MIN,
  }),
];

describe('fusion: related risks in one grid within a window become one case', () => {
  it.each<[string, { gridId: string; category: string; at: number }, string | undefined]>([
    [
      'a camera fire in the same grid joins the latest fire case',
      { gridId: 'G01', category: 'fire_safety', at: NOW },
      'fire-G01',
    ],
    [
      'just inside the window of the older one only',
      { gridId: 'G01', category: 'fire_safety', at: NOW + 5 * MIN },
      'fire-G01',
    ],
    [
      'an electrical fire belongs to the fire group too',
      { gridId: 'G01', category: 'electrical_safety', at: NOW },
      'fire-G01',
    ],
    ['a fire in another grid does not', { gridId: 'G04', category: 'fire_safety', at: NOW }, undefined],
    [
      'nor does one after the window',
      { gridId: 'G01', category: 'fire_safety', at: NOW + 6 * MIN },
      undefined,
    ],
    ['a resolved case is not joined', { gridId: 'G02', category: 'fire_safety', at: NOW }, undefined],
    ['gas after its 10-minute window', { gridId: 'G03', category: 'gas_safety', at: NOW }, undefined],
    ['a category without a fusion group', { gridId: 'G01', category: 'public_order', at: NOW }, undefined],
  ])('%s', (_name, risk, expected) => {
    expect(findFusionTarget(risk, open)?.id).toBe(expected);
  });

  it('a case under a parent is not a fusion target', () => {
    const child = caseIn('dispatched', {
      id: 'child',
      gridId: 'G05',
      category: 'fire_safety',
      lastSignalAt: NOW,
      parentId: 'p',
    });
    expect(findFusionTarget({ gridId: 'G05', category: 'fire_safety', at: NOW }, [child])).toBeUndefined();
  });
});

describe('suppression: a parent case swallows its children', () => {
  const tree: Record<string, Partial<Record<RegionLevel, string>>> = {
    G01: { grid: 'G01', community: 'C1', street: 'S1' },
    G02: { grid: 'G02', community: 'C1', street: 'S1' },
    G04: { grid: 'G04', community: 'C2', street: 'S1' },
  };
  const ancestorAt = (gridId: string, level: RegionLevel) => tree[gridId]?.[level];
  it.each<[string, string, string, string | undefined]>([
    ['a device offline in the same community', 'G02', 'device_health', 'power-C1'],
    ['an elevator fault in the same community', 'G01', 'facility', 'power-C1'],
    ['a device offline in another community', 'G04', 'device_health', undefined],
    ['a fire is never swallowed', 'G02', 'fire_safety', undefined],
    ['an unknown grid', 'G99', 'device_health', undefined],
  ])('%s', (_name, gridId, category, expected) => {
    expect(findSuppressingParent({ gridId, category, at: NOW }, open, ancestorAt)?.id).toBe(expected);
  });

  it('a closed parent no longer suppresses', () => {
    const closed = open.map((c) => (c.id === 'power-C1' ? { ...c, state: 'closed' as const } : c));
    expect(
      findSuppressingParent({ gridId: 'G02', category: 'device_health', at: NOW }, closed, ancestorAt),
    ).toBeUndefined();
  });
});
