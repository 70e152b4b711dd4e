import { describe, expect, it } from 'vitest';
import {
  findFusionTarget,
  findPossiblyRelated,
  findSuppressingParent,
  mergedCounts,
  mergeProblems,
  metresBetween,
  type FusionDevice,
  type IncomingSignal,
} from './case-fusion';
import { caseIn, NOW } from './case-test-fixture';
import type { CaseRecord, CaseState } from './case-types';
import type { RegionLevel } from './model';
import { inEnglish } from './errors';

const MIN = 60_000;
/** About 111 m per 0.001° of latitude. */
const north = (d: FusionDevice, metres: number, id: string, type = d.type): FusionDevice => ({
  id,
  type,
  lat: d.lat + metres / 111_195,
  lng: d.lng,
});
const smoke1: FusionDevice = { id: 'smoke-1', type: 'smoke_detector', lat: 30.26, lng: 120.155 };
const camera100 = north(smoke1, 100, 'camera-100m', 'camera');
const smoke250 = north(smoke1, 250, 'smoke-250m');
const smoke400 = north(smoke1, 400, 'smoke-400m');
const gas50 = north(smoke1, 50, 'gas-50m', 'gas_detector');
const noise20 = north(smoke1, 20, 'noise-20m', 'noise');

const candidate = (state: CaseState, extra: Partial<CaseRecord>, devices: FusionDevice[]) => ({
  ...caseIn(state, extra),
  devices,
});

const open = [
  candidate(
    'dispatched',
    {
      id: 'fire-G01',
      gridId: 'G01',
      category: 'fire_safety',
      lastSignalAt: NOW - 5 * MIN,
    },
    [smoke1],
  ),
  candidate(
    'accepted',
    {
      id: 'fire-G01-old',
      gridId: 'G01',
      category: 'fire_safety',
      lastSignalAt: NOW - 9 * MIN,
    },
    [smoke1],
  ),
  candidate(
    'dispatched',
    {
      id: 'hotline-G01',
      gridId: 'G01',
      category: 'fire_safety',
      source: 'hotline',
      lastSignalAt: NOW - MIN,
    },
    [],
  ),
  candidate(
    'resolved',
    {
      id: 'fire-G02-done',
      gridId: 'G02',
      category: 'fire_safety',
      lastSignalAt: NOW - MIN,
    },
    [smoke1],
  ),
  candidate(
    'dispatched',
    {
      id: 'gas-G03',
      gridId: 'G03',
      category: 'gas_safety',
      lastSignalAt: NOW - 20 * MIN,
    },
    [gas50],
  ),
  candidate(
    'dispatched',
    {
      id: 'power-C1',
      gridId: 'G01',
      category: 'power_outage',
      lastSignalAt: NOW - 60 * MIN,
    },
    [],
  ),
];

const alarm = (device: FusionDevice, extra: Partial<IncomingSignal> = {}): IncomingSignal => ({
  gridId: 'G01',
  category: 'fire_safety',
  at: NOW,
  source: 'auto',
  device,
  ...extra,
});

describe('metresBetween', () => {
  it('measures a few hundred metres to within a metre', () => {
    expect(metresBetween(smoke1, smoke250)).toBeCloseTo(250, 0);
    expect(metresBetween(smoke1, { lat: smoke1.lat, lng: smoke1.lng + 0.001 })).toBeCloseTo(96.2, 0);
  });
});

describe('fusion: only the same matter joins, by itself', () => {
  it.each<[string, IncomingSignal, string | undefined]>([
    ['a camera 100 m from the smoke alarm joins the latest fire case', alarm(camera100), 'fire-G01'],
    ['another smoke detector 250 m away joins', alarm(smoke250), 'fire-G01'],
    ['the same device under another rule joins', alarm(smoke1), 'fire-G01'],
    ['just inside the window of the older one only', alarm(camera100, { at: NOW + 5 * MIN }), 'fire-G01'],
    [
      'an electrical-fire alarm belongs to the fire group too',
      alarm(north(smoke1, 30, 'elec-30m', 'electrical_fire'), { category: 'electrical_safety' }),
      'fire-G01',
    ],
    ['a smoke detector 400 m away is another matter', alarm(smoke400), undefined],
    ['a device of an unrelated type next to it does not join', alarm(noise20), undefined],
    ['a gas alarm 50 m away is not a fire', alarm(gas50, { category: 'gas_safety' }), undefined],
    ['a fire in another grid does not', alarm(camera100, { gridId: 'G04' }), undefined],
    ['nor does one after the window', alarm(camera100, { at: NOW + 6 * MIN }), undefined],
    ['a resolved case is not joined', alarm(smoke1, { gridId: 'G02' }), undefined],
    ['gas after its 10-minute window', alarm(gas50, { gridId: 'G03', category: 'gas_safety' }), undefined],
    ['a category without a fusion group', alarm(smoke1, { category: 'public_order' }), undefined],
    ['an alarm without a known device', alarm(smoke1, { device: null }), undefined],
    ['a hotline call never fuses', alarm(smoke1, { source: 'hotline', device: null }), undefined],
    ['a patrol report never fuses', alarm(smoke1, { source: 'patrol', device: null }), undefined],
  ])('%s', (_name, signal, expected) => {
    expect(findFusionTarget(signal, open)?.id).toBe(expected);
  });

  it('a case opened by a person never absorbs a device alarm, however close and recent', () => {
    const human = open.filter((c) => c.id === 'hotline-G01');
    expect(findFusionTarget(alarm(smoke1), human)).toBeUndefined();
  });

  it('a case under a parent is not a fusion target', () => {
    const child = candidate(
      'dispatched',
      {
        id: 'child',
        gridId: 'G05',
        category: 'fire_safety',
        lastSignalAt: NOW,
        parentId: 'p',
      },
      [smoke1],
    );
    expect(findFusionTarget(alarm(smoke1, { gridId: 'G05' }), [child])).toBeUndefined();
  });

  it('cases of the same grid, group and window that were not joined are listed as possibly related', () => {
    const risk = { gridId: 'G01', category: 'fire_safety', at: NOW };
    expect(findPossiblyRelated(risk, open).map((c) => c.id)).toEqual([
      'fire-G01',
      'fire-G01-old',
      'hotline-G01',
    ]);
    expect(findPossiblyRelated({ ...risk, category: 'public_order' }, open)).toEqual([]);
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

describe('merging by hand: any two open cases in scope, never a case into itself or its own child', () => {
  const c = (id: string, state: CaseState, parentId: string | null = null) => ({ id, state, parentId });
  it.each<[string, Parameters<typeof mergeProblems>[0], string[]]>([
    ['two open cases', { kept: c('a', 'dispatched'), absorbed: c('b', 'reported'), absorbedChildren: 0 }, []],
    [
      'a patrol case into an alarm case in another state',
      { kept: c('a', 'in_progress'), absorbed: c('b', 'returned'), absorbedChildren: 0 },
      [],
    ],
    [
      'itself',
      { kept: c('a', 'dispatched'), absorbed: c('a', 'dispatched'), absorbedChildren: 0 },
      ['a case cannot be merged into itself'],
    ],
    [
      'into a resolved case',
      { kept: c('a', 'resolved'), absorbed: c('b', 'dispatched'), absorbedChildren: 0 },
      ['the case to merge into must be open and not yet resolved'],
    ],
    [
      'a closed case',
      { kept: c('a', 'dispatched'), absorbed: c('b', 'closed'), absorbedChildren: 0 },
      ['the case to merge must be open and not yet resolved'],
    ],
    [
      'a parent with children',
      { kept: c('a', 'dispatched'), absorbed: c('b', 'dispatched'), absorbedChildren: 2 },
      ['a case with cases under it cannot be merged'],
    ],
    [
      'a parent into its own child',
      { kept: c('a', 'dispatched', 'b'), absorbed: c('b', 'dispatched'), absorbedChildren: 0 },
      ['a case cannot be merged into a case under it'],
    ],
  ])('%s', (_name, pair, expected) => {
    expect(inEnglish(mergeProblems(pair))).toEqual(expected);
  });

  it('the kept case counts both, stays risk-active if either is, and keeps the later signal', () => {
    expect(
      mergedCounts(
        { occurrences: 2, riskActive: false, lastSignalAt: NOW - MIN },
        { occurrences: 3, riskActive: true, lastSignalAt: NOW },
      ),
    ).toEqual({ occurrences: 5, riskActive: true, lastSignalAt: NOW });
  });
});
