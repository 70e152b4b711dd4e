import { describe, expect, it } from 'vitest';
import type { AssessmentFigures } from './assessment';
import { DEFAULT_ASSESSMENT_SCHEME, scoreUnit, validateAssessmentScheme } from './assessment-scheme';
import type { Rate } from './case-stats';
import type { AccountableUnit } from './case-unit-rates';
import { withRatingRates } from './subtask-rating-figures';
import {
  countRatings,
  decideRating,
  parseRatingInput,
  ratingTotals,
  RATING_CHANGE_WINDOW_MS,
  type RatingActor,
  type RatingGrade,
  type RatingInput,
  type SubtaskRating,
  type SubtaskRatings,
} from './subtask-ratings';
import { inEnglish } from './errors';

const NOW = Date.UTC(2026, 11, 4, 2);
const HOUR = 3_600_000;

const lead: RatingActor = { id: 'w1', name: '网格员 李', leadSide: true, cohandlerSide: false };
const desk: RatingActor = { id: 'op1', name: '值班长', leadSide: true, cohandlerSide: false };
const coHandler: RatingActor = { id: 'h1', name: '城管 周', leadSide: false, cohandlerSide: true };
const colleague: RatingActor = { id: 'h2', name: '城管 吴', leadSide: false, cohandlerSide: true };
const stranger: RatingActor = { id: 'f1', name: '消防 陈', leadSide: false, cohandlerSide: false };

const reported = { id: 7, state: 'reported' as const };
const good = (side: RatingInput['side']): RatingInput => ({ side, grade: 'good', comment: null });
const given = (raterId: string, side: SubtaskRating['side'], at = NOW): SubtaskRating => ({
  subtaskId: 7,
  side,
  grade: 'fair',
  comment: '一般',
  raterId,
  raterName: raterId === 'w1' ? '网格员 李' : raterId,
  ratedAt: at,
  updatedAt: at,
});

describe('decideRating: who rates which side, once, changeable by the rater within a day', () => {
  it.each([
    { name: 'the lead rates the work', actor: lead, side: 'lead', outcome: 'ok' },
    { name: 'the desk rates the work', actor: desk, side: 'lead', outcome: 'ok' },
    { name: 'the co-handler rates the request', actor: coHandler, side: 'cohandler', outcome: 'ok' },
    {
      name: 'a colleague of the department rates the request',
      actor: colleague,
      side: 'cohandler',
      outcome: 'ok',
    },
    {
      name: 'the co-handler may not rate their own work',
      actor: coHandler,
      side: 'lead',
      outcome: 'forbidden',
    },
    { name: 'the lead may not rate their own request', actor: lead, side: 'cohandler', outcome: 'forbidden' },
    { name: 'another department rates neither side', actor: stranger, side: 'lead', outcome: 'forbidden' },
    { name: 'nor the request', actor: stranger, side: 'cohandler', outcome: 'forbidden' },
  ] as const)('$name', ({ actor, side, outcome }) => {
    const result = decideRating(reported, null, good(side), actor, NOW);
    expect(result.ok ? 'ok' : result.code).toBe(outcome);
    if (result.ok)
      expect(result.next).toEqual({
        subtaskId: 7,
        side,
        grade: 'good',
        comment: null,
        raterId: actor.id,
        raterName: actor.name,
        ratedAt: NOW,
        updatedAt: NOW,
      });
  });

  it.each(['created', 'accepted', 'cancelled'] as const)('a %s sub-task is not rated yet', (state) => {
    expect(decideRating({ id: 7, state }, null, good('lead'), lead, NOW)).toEqual({
      ok: false,
      code: 'invalid_transition',
      message: 'only a reported sub-task is rated',
      text: { key: 'rating.onlyReported' },
    });
  });

  it('the rater changes their rating within a day, keeping when it was first given', () => {
    const result = decideRating(
      reported,
      given('w1', 'lead'),
      { side: 'lead', grade: 'poor', comment: '反馈不全' },
      lead,
      NOW + 23 * HOUR,
    );
    expect(result).toEqual({
      ok: true,
      changed: true,
      next: { ...given('w1', 'lead'), grade: 'poor', comment: '反馈不全', updatedAt: NOW + 23 * HOUR },
    });
  });

  it('past the day the rating stands', () => {
    const result = decideRating(
      reported,
      given('w1', 'lead'),
      good('lead'),
      lead,
      NOW + RATING_CHANGE_WINDOW_MS + 1,
    );
    expect(result).toMatchObject({ ok: false, code: 'invalid_transition' });
  });

  it('someone else on the same side cannot overwrite it', () => {
    expect(decideRating(reported, given('w1', 'lead'), good('lead'), desk, NOW + HOUR)).toEqual({
      ok: false,
      code: 'conflict',
      message: '网格员 李 has already rated this sub-task',
      text: { key: 'rating.alreadyRated', params: { name: '网格员 李' } },
    });
  });
});

describe('parseRatingInput', () => {
  it.each([
    { body: { side: 'lead', grade: 'good' }, value: { side: 'lead', grade: 'good', comment: null } },
    {
      body: { side: 'cohandler', grade: 'poor', comment: '  需求不清  ' },
      value: { side: 'cohandler', grade: 'poor', comment: '需求不清' },
    },
    {
      body: { side: 'lead', grade: 'fair', comment: '   ' },
      value: { side: 'lead', grade: 'fair', comment: null },
    },
  ])('accepts $body', ({ body, value }) => {
    expect(parseRatingInput(body)).toEqual({ ok: true, value });
  });

  it.each([
    { body: null, errors: ['body must be an object'] },
    { body: [], errors: ['body must be an object'] },
    {
      body: { side: 'street', grade: 5, comment: 3, stars: 5 },
      errors: [
        'side must be lead or cohandler',
        'grade must be good, fair or poor',
        'comment must be text of at most 500 characters',
        'unknown field stars',
      ],
    },
    {
      body: { side: 'lead', grade: 'good', comment: 'x'.repeat(501) },
      errors: ['comment must be text of at most 500 characters'],
    },
  ])('refuses $body', ({ body, errors }) => {
    const parsed = parseRatingInput(body);
    expect(parsed.ok ? parsed : { ...parsed, errors: inEnglish(parsed.errors) }).toEqual({
      ok: false,
      errors,
    });
  });
});

describe('counting ratings', () => {
  it('counts 好/中/差 with the 好评率 over all of them', () => {
    expect(countRatings(['good', 'poor', 'good', 'fair'])).toEqual({
      good: 2,
      fair: 1,
      poor: 1,
      goodRate: { numerator: 2, denominator: 4, value: 0.5 },
    });
    expect(countRatings([]).goodRate).toEqual({ numerator: 0, denominator: 0, value: null });
  });

  it('a department receives the lead side’s ratings; a region receives the co-handlers’', () => {
    const rows: { ratings: SubtaskRatings }[] = [
      { ratings: { lead: given('w1', 'lead'), cohandler: { ...given('h1', 'cohandler'), grade: 'good' } } },
      { ratings: { lead: { ...given('w1', 'lead'), grade: 'good' }, cohandler: null } },
      { ratings: { lead: null, cohandler: null } },
    ];
    const department = ratingTotals('department', rows);
    expect([department.received.good, department.received.fair, department.given.good]).toEqual([1, 1, 1]);
    const region = ratingTotals('region', rows);
    expect(region.received.goodRate).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(region.given.goodRate).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
  });
});

const r = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

function figures(
  level: AccountableUnit,
  key: string,
  extra: Partial<AssessmentFigures> = {},
): AssessmentFigures {
  return {
    level,
    key,
    counted: 1,
    responseRate: r(0, 0),
    onTimeResolutionRate: r(0, 0),
    solvedRate: r(0, 0),
    satisfactionRate: r(0, 0),
    cohandleGoodRate: r(0, 0),
    mttaMs: null,
    mttrMs: null,
    returns: 0,
    overdue: 0,
    delayMs: 0,
    supervised: 0,
    patrolFound: 0,
    excluded: {},
    ...extra,
  };
}

describe('协办好评率 in the 考核 figures and score', () => {
  const rating = (side: 'lead' | 'cohandler', grade: RatingGrade): SubtaskRating => ({
    ...given('x', side),
    grade,
  });
  const rated = [
    // G1's request rated good; dept-a's work (h1) rated good.
    {
      gridId: 'G1',
      assigneeId: 'h1',
      departmentId: 'dept-a',
      ratings: { lead: rating('lead', 'good'), cohandler: rating('cohandler', 'good') },
    },
    // G1's request rated poor; dept-a's work (h2) rated poor.
    {
      gridId: 'G1',
      assigneeId: 'h2',
      departmentId: 'dept-a',
      ratings: { lead: rating('lead', 'poor'), cohandler: rating('cohandler', 'poor') },
    },
    // G2 (same street): only the work rated, by a person with no department.
    {
      gridId: 'G2',
      assigneeId: 'w9',
      departmentId: null,
      ratings: { lead: rating('lead', 'fair'), cohandler: null },
    },
  ];
  const placeOf = (c: { gridId: string }, level: 'grid' | 'community' | 'street') =>
    level === 'grid' ? c.gridId : level === 'street' ? 'S1' : null;
  const units = {
    grid: [figures('grid', 'G1'), figures('grid', 'G2')],
    worker: [figures('worker', 'h1'), figures('worker', 'w9'), figures('worker', 'w1')],
    department: [figures('department', 'dept-a')],
    community: [],
    street: [figures('street', 'S1')],
  };
  const withRates = withRatingRates(units, rated, placeOf);
  const rate = (level: AccountableUnit, key: string) =>
    withRates[level].find((u) => u.key === key)!.cohandleGoodRate;

  it.each([
    { level: 'department', key: 'dept-a', expected: r(1, 2) },
    { level: 'worker', key: 'h1', expected: r(1, 1) },
    { level: 'worker', key: 'w9', expected: r(0, 1) },
    { level: 'worker', key: 'w1', expected: r(0, 0) },
    { level: 'grid', key: 'G1', expected: r(1, 2) },
    { level: 'grid', key: 'G2', expected: r(0, 0) },
    { level: 'street', key: 'S1', expected: r(1, 2) },
  ] as const)('$level $key: $expected.numerator of $expected.denominator', ({ level, key, expected }) => {
    expect(rate(level, key)).toEqual(expected);
  });

  it('adds no unit that only has ratings (h2 co-handled, but holds no case of the period)', () => {
    expect(withRates.worker.map((u) => u.key)).toEqual(['h1', 'w9', 'w1']);
  });

  const unit = figures('department', 'dept-a', {
    responseRate: r(1, 1),
    onTimeResolutionRate: r(1, 2),
    cohandleGoodRate: r(1, 4),
    overdue: 1,
  });
  it.each([
    // The default leaves 好评率 out: (100·30 + 50·30) / 60 = 75; − 1 overdue·2 = 73
    { name: 'the default scheme', weights: DEFAULT_ASSESSMENT_SCHEME.weights, rateScore: 75, score: 73 },
    // (100·30 + 50·30 + 25·40) / 100 = 55; − 2 = 53
    {
      name: '好评率 weighed 40',
      weights: { ...DEFAULT_ASSESSMENT_SCHEME.weights, cohandleGood: 40 },
      rateScore: 55,
      score: 53,
    },
    // Only 好评率: 25; − 2 = 23
    {
      name: 'only 好评率',
      weights: { response: 0, onTime: 0, solved: 0, satisfaction: 0, cohandleGood: 10 },
      rateScore: 25,
      score: 23,
    },
  ])('$name scores $score', ({ weights, rateScore, score }) => {
    expect(scoreUnit(unit, { ...DEFAULT_ASSESSMENT_SCHEME, weights })).toEqual({ rateScore, score });
  });

  it('a figure archived before ratings existed scores as it did', () => {
    const { cohandleGoodRate: _none, ...archived } = unit;
    const scheme = {
      ...DEFAULT_ASSESSMENT_SCHEME,
      weights: { ...DEFAULT_ASSESSMENT_SCHEME.weights, cohandleGood: 40 },
    };
    expect(scoreUnit(archived as AssessmentFigures, scheme)).toEqual({ rateScore: 75, score: 73 });
  });

  it('the scheme may leave the weight out, give it, or make it the only one; not out of range', () => {
    expect(validateAssessmentScheme(DEFAULT_ASSESSMENT_SCHEME)).toEqual({
      ok: true,
      scheme: DEFAULT_ASSESSMENT_SCHEME,
    });
    const only = {
      ...DEFAULT_ASSESSMENT_SCHEME,
      weights: { response: 0, onTime: 0, solved: 0, satisfaction: 0, cohandleGood: 5 },
    };
    expect(validateAssessmentScheme(only)).toEqual({ ok: true, scheme: only });
    const bad = {
      ...DEFAULT_ASSESSMENT_SCHEME,
      weights: { ...DEFAULT_ASSESSMENT_SCHEME.weights, cohandleGood: 101 },
    };
    const result = validateAssessmentScheme(bad);
    expect(result.ok ? [] : inEnglish(result.errors)).toEqual([
      'weights.cohandleGood must be a number from 0 to 100',
    ]);
  });
});
