import { describe, expect, it } from 'vitest';
import {
  detectEarlyWarnings,
  detectNewCategories,
  detectRecurrences,
  detectSurges,
  distanceM,
  EARLY_WARNING_DEFAULTS,
  poissonUpperTail,
  warningKey,
  type WarningCase,
} from './early-warning';
import type { Region } from './model';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 4, 4); // Wednesday 2026-03-04 12:00 UTC+8

const region = (id: string, level: Region['level'], parentId: string | null): Region => ({
  id,
  level,
  parentId,
  name: id,
  boundary: null,
});
const REGIONS: Region[] = [
  region('d1', 'district', null),
  region('s1', 'street', 'd1'),
  region('c1', 'community', 's1'),
  region('c2', 'community', 's1'),
  region('g1', 'grid', 'c1'),
  region('g2', 'grid', 'c2'),
];

/** A small seeded generator (mulberry32), so generated histories are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function poisson(rand: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k++;
  return k;
}

let serial = 0;
function aCase(over: Partial<WarningCase> & { openedAt: number }): WarningCase {
  return {
    id: `case-${++serial}`,
    category: 'fire_safety',
    gridId: 'g1',
    location: null,
    address: null,
    ...over,
  };
}

/**
 * Weekly counts (oldest first, the last entry is the week before NOW), each week's cases spread
 * at random times inside it.
 */
function weeklyHistory(counts: number[], rand: () => number, over: Partial<WarningCase> = {}): WarningCase[] {
  return counts.flatMap((count, i) => {
    const weekStart = NOW - (counts.length - i) * 7 * DAY;
    return Array.from({ length: count }, () =>
      aCase({ ...over, openedAt: weekStart + Math.floor(rand() * 7 * DAY) }),
    );
  });
}

describe('poissonUpperTail', () => {
  it.each([
    [0, 3, 1],
    [1, 1, 1 - Math.exp(-1)],
    [2, 2, 1 - 3 * Math.exp(-2)],
    [12, 4, 0.000_915_6],
    [9, 3, 0.003_803],
    [8, 3, 0.011_905],
  ])('P(X ≥ %d | λ = %d) = %f', (k, lambda, expected) => {
    expect(poissonUpperTail(k, lambda)).toBeCloseTo(expected, 6);
  });

  it('keeps precision far in the tail', () => {
    const p = poissonUpperTail(60, 2);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-50);
  });
});

describe('surge (one-sided Poisson bound, α = 0.01, at least 5 cases)', () => {
  it('a steady week gives no warning; the same history with the last week tripled does', () => {
    const rand = random(7);
    const steady = weeklyHistory([4, 4, 4, 4, 4, 4, 4, 4, 4], rand);
    expect(detectSurges(steady, REGIONS, NOW)).toEqual([]);

    const tripled = weeklyHistory([4, 4, 4, 4, 4, 4, 4, 4, 12], rand);
    const warnings = detectSurges(tripled, REGIONS, NOW);
    expect(warnings.map((w) => [w.kind, w.regionId, w.category])).toEqual([
      ['surge', 'c1', 'fire_safety'],
      ['surge', 's1', 'fire_safety'],
    ]);
    const evidence = warnings[0]!.evidence;
    expect(evidence.observed).toBe(12);
    expect(evidence.baseline).toBe(4);
    expect(evidence.pValue).toBeCloseTo(poissonUpperTail(12, 4), 12);
    expect(evidence.pValue).toBeLessThan(0.01);
    expect(evidence.caseIds).toHaveLength(12);
    expect(new Set(evidence.caseIds)).toEqual(new Set(tripled.slice(-12).map((c) => c.id)));
    expect(warnings[0]!.period).toBe('W2026-03-02');
  });

  it('on generated Poisson histories: false alarms stay near α, tripled weeks are mostly caught', () => {
    const runs = 300;
    let falseAlarms = 0;
    let caught = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const rand = random(seed);
      const baseline = Array.from({ length: 8 }, () => poisson(rand, 5));
      const steady = weeklyHistory([...baseline, poisson(rand, 5)], rand, { gridId: 'g2' });
      const surged = weeklyHistory([...baseline, poisson(rand, 15)], rand, { gridId: 'g2' });
      if (detectSurges(steady, REGIONS, NOW).some((w) => w.regionId === 'c2')) falseAlarms++;
      if (detectSurges(surged, REGIONS, NOW).some((w) => w.regionId === 'c2')) caught++;
    }
    // The baseline is estimated from 8 weeks, so the realised rate sits a little above α.
    expect(falseAlarms / runs).toBeLessThan(0.03);
    expect(caught / runs).toBeGreaterThan(0.75);
  });

  it('needs the minimum count even against an empty baseline', () => {
    const rand = random(3);
    expect(detectSurges(weeklyHistory([0, 0, 0, 0, 0, 0, 0, 0, 4], rand), REGIONS, NOW)).toEqual([]);
    const five = detectSurges(weeklyHistory([0, 0, 0, 0, 0, 0, 0, 0, 5], rand), REGIONS, NOW);
    expect(five.map((w) => w.regionId)).toEqual(['c1', 's1']);
    expect(five[0]!.evidence.baseline).toBe(1 / 8);
  });

  it('counts each category against its own baseline', () => {
    const rand = random(11);
    const history = [
      ...weeklyHistory([10, 10, 10, 10, 10, 10, 10, 10, 12], rand, { category: 'environment' }),
      ...weeklyHistory([1, 1, 1, 1, 1, 1, 1, 1, 6], rand, { category: 'fire_safety' }),
    ];
    expect(detectSurges(history, REGIONS, NOW).map((w) => `${w.regionId}/${w.category}`)).toEqual([
      'c1/fire_safety',
      's1/fire_safety',
    ]);
  });
});

describe('new category in a community (none in the 180 days before the last 7)', () => {
  const history = [
    aCase({ openedAt: NOW - 100 * DAY, category: 'environment' }),
    aCase({ openedAt: NOW - 170 * DAY, category: 'gas', gridId: 'g2' }),
  ];

  it.each([
    ['never seen before, in the window', [{ openedAt: NOW - 2 * DAY, category: 'gas' }], ['c1/gas']],
    ['seen 100 days before', [{ openedAt: NOW - 2 * DAY, category: 'environment' }], []],
    ['seen in the other community only', [{ openedAt: NOW - DAY, category: 'gas', gridId: 'g2' }], []],
    ['older than the window', [{ openedAt: NOW - 8 * DAY, category: 'gas' }], []],
  ] as const)('%s', (_, recent, expected) => {
    const cases = [...history, ...recent.map((r) => aCase(r))];
    expect(detectNewCategories(cases, REGIONS, NOW).map((w) => `${w.regionId}/${w.category}`)).toEqual(
      expected,
    );
  });

  it('says nothing about a community without history', () => {
    const cases = [aCase({ openedAt: NOW - DAY, category: 'gas' })];
    expect(detectNewCategories(cases, REGIONS, NOW)).toEqual([]);
  });

  it('a category last seen more than 180 days before the window is new again', () => {
    const cases = [
      ...history,
      aCase({ openedAt: NOW - 7 * DAY - 181 * DAY, category: 'gas' }),
      aCase({ openedAt: NOW - 3 * DAY, category: 'gas' }),
      aCase({ openedAt: NOW - 1 * DAY, category: 'gas' }),
    ];
    const [warning, ...rest] = detectNewCategories(cases, REGIONS, NOW);
    expect(rest).toEqual([]);
    expect(warning!.evidence.observed).toBe(2);
    expect(warning!.period).toBe('2026-03-01');
  });
});

describe('recurrence (≥ 3 at one place in 30 days)', () => {
  const at = { lat: 28.97, lng: 118.87 };
  /** `metres` north of `at`. */
  const north = (metres: number) => ({ lat: at.lat + metres / 111_195, lng: at.lng });

  it('the metre offsets used here are what they say', () => {
    expect(distanceM(at, north(40))).toBeCloseTo(40, 0);
  });

  it.each([
    ['three within 50 m', [0, 40, 45], 3],
    ['one of them 60 m away', [0, 0, 60], 0],
    ['four, one far', [0, 10, 20, 500], 3],
  ])('%s', (_, metres, expected) => {
    const cases = metres.map((m, i) => aCase({ openedAt: NOW - (i + 1) * DAY, location: north(m) }));
    const warnings = detectRecurrences(cases, NOW);
    expect(warnings.map((w) => w.evidence.observed)).toEqual(expected === 0 ? [] : [expected]);
  });

  it('the same address counts as one place however it is written', () => {
    const cases = ['衢州市 柯城区 府山街道1号', '衢州市柯城区府山街道1号', ' 衢州市柯城区  府山街道1号'].map(
      (address, i) => aCase({ openedAt: NOW - (i + 1) * DAY, address }),
    );
    const [warning] = detectRecurrences(cases, NOW);
    expect(warning!.place).toBe('addr:衢州市柯城区府山街道1号');
    expect(warning!.regionId).toBe('g1');
  });

  it('a long address is keyed within the stored place column, and two long addresses apart', () => {
    const long = (tail: string) => `衢州市柯城区府山街道${'幸福小区'.repeat(80)}${tail}`;
    const keyOf = (address: string) =>
      detectRecurrences(
        [1, 2, 3].map((d) => aCase({ openedAt: NOW - d * DAY, address })),
        NOW,
      )[0]!.place;
    const [one, again, other] = [keyOf(long('1号楼')), keyOf(long('1号楼')), keyOf(long('2号楼'))];
    expect(one.length).toBeLessThanOrEqual(200);
    expect(one.startsWith('addr:衢州市柯城区府山街道')).toBe(true);
    expect(again).toBe(one);
    expect(other).not.toBe(one);
  });

  it('only within 30 days, and only the same category', () => {
    const cases = [
      aCase({ openedAt: NOW - 31 * DAY, location: at }),
      aCase({ openedAt: NOW - 5 * DAY, location: at }),
      aCase({ openedAt: NOW - 4 * DAY, location: at }),
      aCase({ openedAt: NOW - 3 * DAY, location: at, category: 'environment' }),
    ];
    expect(detectRecurrences(cases, NOW)).toEqual([]);
  });

  it('a rerun later finds the same key; a new case joins the same warning', () => {
    const cases = [1, 2, 3].map((d) => aCase({ openedAt: NOW - d * DAY, location: at }));
    const first = detectRecurrences(cases, NOW);
    const later = detectRecurrences([...cases, aCase({ openedAt: NOW + DAY, location: at })], NOW + 2 * DAY);
    expect(later.map(warningKey)).toEqual(first.map(warningKey));
    expect(later[0]!.evidence.observed).toBe(4);
  });
});

describe('detectEarlyWarnings', () => {
  it('the same history gives the same keys on a rerun an hour later', () => {
    const rand = random(5);
    const cases = weeklyHistory([4, 4, 4, 4, 4, 4, 4, 4, 14], rand, { location: { lat: 28.9, lng: 118.8 } });
    const keys = detectEarlyWarnings(cases, REGIONS, NOW).map(warningKey).sort();
    expect(keys.some((k) => k.startsWith('surge|c1|fire_safety'))).toBe(true);
    expect(keys.some((k) => k.startsWith('recurrence|g1|fire_safety'))).toBe(true);
    expect(
      detectEarlyWarnings(cases, REGIONS, NOW + 3_600_000)
        .map(warningKey)
        .sort(),
    ).toEqual(keys);
    expect(EARLY_WARNING_DEFAULTS.surgeAlpha).toBe(0.01);
  });
});
