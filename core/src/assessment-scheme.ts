import { apiText } from './api-texts';
import type { Problem } from './errors';
import type { AssessmentFigures } from './assessment';
import { ACCOUNTABLE_UNITS, type AccountableUnit } from './case-unit-rates';

/**
 * 考核方案: how an administrator turns a unit's figures into one score. The rates weigh in on a
 * 0–100 scale (weights are relative: a unit with no figure for a rate is scored on the others, so a
 * quiet grid is not punished for having no callbacks); then points off per overdue case, per
 * 督办 and per return, and points on per case found on patrol.
 */
export interface AssessmentScheme {
  weights: {
    response: number;
    onTime: number;
    solved: number;
    satisfaction: number;
    /** 协办好评率 (decision 0032); absent counts as 0, so schemes saved before it rank as they did. */
    cohandleGood?: number;
  };
  overduePenalty: number;
  supervisedPenalty: number;
  returnPenalty: number;
  patrolBonus: number;
}

export const DEFAULT_ASSESSMENT_SCHEME: AssessmentScheme = {
  weights: { response: 30, onTime: 30, solved: 20, satisfaction: 20 },
  overduePenalty: 2,
  supervisedPenalty: 5,
  returnPenalty: 1,
  patrolBonus: 1,
};

const WEIGHT_KEYS = ['response', 'onTime', 'solved', 'satisfaction', 'cohandleGood'] as const;
/** Weights a scheme may leave out (0 when absent). */
const OPTIONAL_WEIGHTS: readonly string[] = ['cohandleGood'];
const POINT_KEYS = ['overduePenalty', 'supervisedPenalty', 'returnPenalty', 'patrolBonus'] as const;
const MAX_POINTS = 100;

/** Validates a scheme from JSON (admin API), listing every problem. */
export function validateAssessmentScheme(
  input: unknown,
): { ok: true; scheme: AssessmentScheme } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'scheme' })] };
  const s = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const inRange = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_POINTS;
  const weights = (typeof s.weights === 'object' && s.weights !== null ? s.weights : {}) as Record<
    string,
    unknown
  >;
  for (const key of WEIGHT_KEYS)
    if (!inRange(weights[key]) && !(OPTIONAL_WEIGHTS.includes(key) && weights[key] === undefined))
      errors.push(apiText('assessment.weight', { key }));
  if (errors.length === 0 && WEIGHT_KEYS.every((key) => (weights[key] ?? 0) === 0))
    errors.push(apiText('assessment.oneWeight'));
  for (const key of POINT_KEYS) if (!inRange(s[key])) errors.push(apiText('assessment.points', { key }));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    scheme: {
      weights: {
        response: weights.response as number,
        onTime: weights.onTime as number,
        solved: weights.solved as number,
        satisfaction: weights.satisfaction as number,
        ...(weights.cohandleGood === undefined ? {} : { cohandleGood: weights.cohandleGood as number }),
      },
      overduePenalty: s.overduePenalty as number,
      supervisedPenalty: s.supervisedPenalty as number,
      returnPenalty: s.returnPenalty as number,
      patrolBonus: s.patrolBonus as number,
    },
  };
}

export interface ScoredUnit extends AssessmentFigures {
  /** The weighted rates (0–100), or null when the unit has none of the weighted rates yet. */
  rateScore: number | null;
  /** rateScore (0 when null) − penalties + bonus, rounded to one decimal. */
  score: number;
  /** 1 = best within its level; equal scores share a rank (1, 2, 2, 4). */
  rank: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** One unit's score under the scheme. */
export function scoreUnit(
  figures: AssessmentFigures,
  scheme: AssessmentScheme,
): Pick<ScoredUnit, 'rateScore' | 'score'> {
  const rates = {
    response: figures.responseRate.value,
    onTime: figures.onTimeResolutionRate.value,
    solved: figures.solvedRate.value,
    satisfaction: figures.satisfactionRate.value,
    // An archived figure from before 协办 ratings has none.
    cohandleGood: figures.cohandleGoodRate?.value ?? null,
  };
  let weighted = 0;
  let weight = 0;
  for (const key of WEIGHT_KEYS) {
    const value = rates[key];
    const keyWeight = scheme.weights[key] ?? 0;
    if (value === null || keyWeight === 0) continue;
    weighted += value * 100 * keyWeight;
    weight += keyWeight;
  }
  const rateScore = weight === 0 ? null : weighted / weight;
  const score =
    (rateScore ?? 0) -
    figures.overdue * scheme.overduePenalty -
    figures.supervised * scheme.supervisedPenalty -
    figures.returns * scheme.returnPenalty +
    figures.patrolFound * scheme.patrolBonus;
  return { rateScore: rateScore === null ? null : round1(rateScore), score: round1(score) };
}

/** Scores every unit and ranks each level on its own, best first (ties share a rank, then by key). */
export function rankUnits(
  figures: Record<AccountableUnit, readonly AssessmentFigures[]>,
  scheme: AssessmentScheme,
): Record<AccountableUnit, ScoredUnit[]> {
  const result = {} as Record<AccountableUnit, ScoredUnit[]>;
  for (const level of ACCOUNTABLE_UNITS) {
    const scored = figures[level]
      .map((f) => ({ ...f, ...scoreUnit(f, scheme), rank: 0 }))
      .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
    scored.forEach((row, i) => {
      row.rank = i > 0 && scored[i - 1]!.score === row.score ? scored[i - 1]!.rank : i + 1;
    });
    result[level] = scored;
  }
  return result;
}

/** `GET /api/assessment`: the ranking per level of a region over a period, with its scheme. */
export interface AssessmentView {
  from: number;
  to: number;
  regionId: string;
  scheme: AssessmentScheme;
  /** The region's cases left out of every figure, per close reason. */
  excluded: Record<string, number>;
  units: Record<AccountableUnit, ScoredUnit[]>;
  /** Display names of regions, people and departments by id. */
  names: Record<string, string>;
}
