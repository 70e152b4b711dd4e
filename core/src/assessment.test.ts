import { describe, expect, it } from 'vitest';
import { assessUnits, type AssessedCase } from './assessment';
import {
  DEFAULT_ASSESSMENT_SCHEME,
  rankUnits,
  scoreUnit,
  validateAssessmentScheme,
} from './assessment-scheme';
import type { AssigneeSegment } from './case-segments';
import { beijing } from './case-test-fixture';
import { inEnglish } from './errors';

const H = 3_600_000;
const DAY = beijing(2026, 3, 9);
const at = (hours: number) => DAY + hours * H;
const NOW = at(24);

const segment = (personId: string, extra: Partial<AssigneeSegment>): AssigneeSegment => ({
  personId,
  departmentId: null,
  dispatchedAt: at(0),
  acceptDueAt: at(1),
  acceptedAt: null,
  respondedOnTime: null,
  redo: false,
  endedAt: null,
  end: null,
  resolveDueAt: at(4),
  delayMs: 0,
  ...extra,
});

const assessed = (id: string, gridId: string, extra: Partial<AssessedCase>): AssessedCase => ({
  id,
  gridId,
  openedAt: at(0),
  resolvedAt: null,
  resolvedOnTime: null,
  resolveDueAt: at(4),
  pausedAt: null,
  satisfaction: null,
  reporterId: null,
  supervisedAt: null,
  source: 'auto',
  closeReason: null,
  segments: [],
  solved: null,
  ...extra,
});

// Resolve deadline hour 4 for all; the report is made at hour 24.
const CASES: AssessedCase[] = [
  // c1: w1 (d1) returned it in time; w2 (d2) accepted late (due 3), resolved at 6 (2 h late), 督办 at 5
  assessed('c1', 'g1', {
    source: 'hotline',
    resolvedAt: at(6),
    resolvedOnTime: false,
    satisfaction: 5,
    solved: false,
    supervisedAt: at(5),
    segments: [
      segment('w1', { departmentId: 'd1', respondedOnTime: true, end: 'returned', endedAt: at(0.5) }),
      segment('w2', {
        departmentId: 'd2',
        dispatchedAt: at(2),
        acceptDueAt: at(3),
        acceptedAt: at(3.5),
        respondedOnTime: false,
        end: 'resolved',
        endedAt: at(6),
        delayMs: 2 * H,
      }),
    ],
  }),
  // c2: found on patrol by w1, accepted at 0.5, resolved at 2 on time; callback solved, satisfaction 3
  assessed('c2', 'g1', {
    source: 'patrol',
    reporterId: 'w1',
    resolvedAt: at(2),
    resolvedOnTime: true,
    satisfaction: 3,
    solved: true,
    segments: [
      segment('w1', { acceptedAt: at(0.5), respondedOnTime: true, end: 'resolved', endedAt: at(2) }),
    ],
  }),
  // c3: w1 never accepted; still open 20 h past the resolve deadline
  assessed('c3', 'g2', {
    segments: [segment('w1', { respondedOnTime: false, delayMs: 20 * H })],
  }),
  // c4: voided while w2 held it: out of every figure, counted apart
  assessed('c4', 'g2', {
    closeReason: 'void',
    segments: [segment('w2', { end: 'closed', endedAt: at(0.5) })],
  }),
  // c5: 非属地, reported on patrol by w3: excluded, and no patrol bonus for it
  assessed('c5', 'g1', { closeReason: 'not_local', source: 'patrol', reporterId: 'w3' }),
];

const PLACES: Record<string, { community: string; street: string }> = {
  g1: { community: 'cm1', street: 's1' },
  g2: { community: 'cm1', street: 's1' },
};

const figures = assessUnits(
  CASES,
  (c, level) => (level === 'grid' ? c.gridId : PLACES[c.gridId]![level]),
  NOW,
);
const row = (level: keyof typeof figures, key: string) => figures[level].find((r) => r.key === key);
const r = (numerator: number, denominator: number) => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

describe('assessUnits (考核 figures: people by their own segments, places by their cases)', () => {
  it.each([
    {
      level: 'grid' as const,
      key: 'g1',
      expected: {
        counted: 2,
        responseRate: r(2, 2), // the first holder of c1 and c2 answered in time
        onTimeResolutionRate: r(1, 2),
        solvedRate: r(1, 2),
        satisfactionRate: r(1, 2),
        mttaMs: 2 * H, // first acceptance: c1 3.5 h (after a return), c2 0.5 h
        mttrMs: 4 * H, // c1 6 h, c2 2 h
        returns: 1,
        overdue: 1,
        delayMs: 2 * H,
        supervised: 1,
        patrolFound: 1,
        excluded: { not_local: 1 },
      },
    },
    {
      level: 'grid' as const,
      key: 'g2',
      expected: {
        counted: 1,
        responseRate: r(0, 1),
        onTimeResolutionRate: r(0, 1),
        solvedRate: r(0, 0),
        satisfactionRate: r(0, 0),
        mttaMs: null,
        mttrMs: null,
        overdue: 1,
        delayMs: 20 * H,
        excluded: { void: 1 },
      },
    },
    {
      level: 'street' as const,
      key: 's1',
      expected: {
        counted: 3,
        onTimeResolutionRate: r(1, 3),
        delayMs: 22 * H,
        excluded: { not_local: 1, void: 1 },
      },
    },
    {
      level: 'worker' as const,
      key: 'w1',
      expected: {
        counted: 3,
        responseRate: r(2, 3), // c1 return in time, c2 accept in time, c3 never
        onTimeResolutionRate: r(1, 2), // resolved c2 in time; holds c3 past due
        solvedRate: r(1, 1), // only the case they resolved: c2
        satisfactionRate: r(0, 1),
        mttaMs: 0.5 * H,
        mttrMs: 2 * H,
        returns: 1,
        overdue: 1,
        delayMs: 20 * H,
        supervised: 0, // c1's 督办 came after w1 had returned it
        patrolFound: 1,
        excluded: {},
      },
    },
    {
      level: 'worker' as const,
      key: 'w2',
      expected: {
        counted: 1,
        responseRate: r(0, 1),
        onTimeResolutionRate: r(0, 1),
        solvedRate: r(0, 1),
        satisfactionRate: r(1, 1),
        mttaMs: 1.5 * H, // dispatched at 2, accepted at 3.5: their own time, not the case's
        mttrMs: 4 * H,
        returns: 0,
        overdue: 1,
        delayMs: 2 * H,
        supervised: 1,
        patrolFound: 0,
        excluded: { void: 1 },
      },
    },
    {
      level: 'worker' as const,
      key: 'w3',
      expected: { counted: 0, patrolFound: 0, responseRate: r(0, 0), excluded: {} },
    },
    {
      level: 'department' as const,
      key: 'd1',
      expected: { counted: 1, returns: 1, responseRate: r(1, 1), delayMs: 0 },
    },
    {
      level: 'department' as const,
      key: 'd2',
      expected: { counted: 1, returns: 0, responseRate: r(0, 1), delayMs: 2 * H, supervised: 1 },
    },
  ])('$level $key', ({ level, key, expected }) => {
    expect(row(level, key)).toMatchObject(expected);
  });

  it('lists each unit once per level, most cases first', () => {
    expect(figures.worker.map((w) => w.key)).toEqual(['w1', 'w2', 'w3']);
    expect(figures.grid.map((g) => g.key)).toEqual(['g1', 'g2']);
    expect(figures.community.map((c) => c.key)).toEqual(['cm1']);
    expect(figures.department.map((d) => d.key)).toEqual(['d1', 'd2']);
  });
});

describe('scoreUnit and rankUnits (an admin-configured 考核方案)', () => {
  it.each([
    // (66.7·30 + 50·30 + 100·20 + 0·20) / 100 = 55; − 1 overdue·2 − 1 return·1 + 1 patrol·1 = 53
    { key: 'w1', rateScore: 55, score: 53 },
    // (0 + 0 + 0 + 100·20) / 100 = 20; − 2 − 5 (督办) = 13
    { key: 'w2', rateScore: 20, score: 13 },
    // nothing to rate yet
    { key: 'w3', rateScore: null, score: 0 },
  ])('$key scores $score', ({ key, rateScore, score }) => {
    expect(scoreUnit(row('worker', key)!, DEFAULT_ASSESSMENT_SCHEME)).toEqual({ rateScore, score });
  });

  it('weighs only the rates a unit has: g2 has no callbacks or ratings, scored on the two it has', () => {
    // response 0 and on time 0 over weights 30 + 30 → 0; − 1 overdue·2
    expect(scoreUnit(row('grid', 'g2')!, DEFAULT_ASSESSMENT_SCHEME)).toEqual({ rateScore: 0, score: -2 });
  });

  it('a scheme with other weights and penalties changes the order', () => {
    const scheme = {
      ...DEFAULT_ASSESSMENT_SCHEME,
      weights: { response: 0, onTime: 0, solved: 0, satisfaction: 100 },
      supervisedPenalty: 0,
      overduePenalty: 0,
      returnPenalty: 0,
      patrolBonus: 0,
    };
    const ranked = rankUnits(figures, scheme);
    // w2: satisfaction 1/1 → 100; w1: 0/1 → 0; w3: nothing → 0, after w1 by key, same rank
    expect(ranked.worker.map((w) => [w.key, w.score, w.rank])).toEqual([
      ['w2', 100, 1],
      ['w1', 0, 2],
      ['w3', 0, 2],
    ]);
  });

  it('ranks each level on its own, best first', () => {
    const ranked = rankUnits(figures, DEFAULT_ASSESSMENT_SCHEME);
    expect(ranked.worker.map((w) => [w.key, w.rank])).toEqual([
      ['w1', 1],
      ['w2', 2],
      ['w3', 3],
    ]);
    // g1: (100·30 + 50·30 + 50·20 + 50·20)/100 = 65; − 2 − 5 − 1 + 1 = 58
    expect(ranked.grid.map((g) => [g.key, g.score, g.rank])).toEqual([
      ['g1', 58, 1],
      ['g2', -2, 2],
    ]);
  });
});

describe('validateAssessmentScheme', () => {
  const valid = DEFAULT_ASSESSMENT_SCHEME;
  it.each([
    { name: 'the default', input: valid, errors: [] },
    { name: 'not an object', input: 'x', errors: ['scheme must be an object'] },
    {
      name: 'a negative weight and a missing penalty',
      input: { ...valid, weights: { ...valid.weights, solved: -1 }, overduePenalty: undefined },
      errors: [
        'weights.solved must be a number from 0 to 100',
        'overduePenalty must be a number from 0 to 100',
      ],
    },
    {
      name: 'all weights zero',
      input: { ...valid, weights: { response: 0, onTime: 0, solved: 0, satisfaction: 0 } },
      errors: ['at least one weight must be above 0'],
    },
    {
      name: 'a bonus too large',
      input: { ...valid, patrolBonus: 101 },
      errors: ['patrolBonus must be a number from 0 to 100'],
    },
  ])('$name', ({ input, errors }) => {
    const result = validateAssessmentScheme(input);
    expect(result.ok ? [] : inEnglish(result.errors)).toEqual(errors);
  });

  it('keeps only the known keys', () => {
    const result = validateAssessmentScheme({ ...valid, extra: 1 });
    expect(result).toEqual({ ok: true, scheme: valid });
  });
});
