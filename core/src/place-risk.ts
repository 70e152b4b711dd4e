import { apiText } from './api-texts';
import type { Problem } from './errors';

/**
 * 重点场所 risk levels: red / yellow / green from a place's recent evidence (its devices' alerts,
 * the cases they opened, missed and failed inspections), by points an administrator can tune.
 * Pure: the caller counts the evidence over `windowDays` and passes it in; the level comes back
 * with the reasons that made it, so the console can say "yellow: 2 smoke alerts and 1 overdue
 * inspection in 30 days" in either language.
 */

export const PLACE_LEVELS = ['green', 'yellow', 'red'] as const;
export type PlaceLevel = (typeof PLACE_LEVELS)[number];

export const PLACE_KINDS = ['building', 'shop', 'old_residential', 'construction_site', 'other'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** What happened at a place within the window. */
export interface PlaceEvidence {
  /** Device alerts per category (e.g. `{ fire_safety: 2 }`), each occurrence counted. */
  alerts: Record<string, number>;
  /** Cases opened from the place's devices (void, false alarm and duplicates left out). */
  cases: number;
  /** Inspections that passed their due time undone. */
  missedInspections: number;
  /** Inspections done with at least one checklist item failed. */
  failedInspections: number;
}

export type PlaceReason =
  | { kind: 'alerts'; category: string; count: number; points: number }
  | { kind: 'cases' | 'missed_inspections' | 'failed_inspections'; count: number; points: number }
  | { kind: 'base_level'; level: PlaceLevel };

export interface PlaceRiskAssessment {
  level: PlaceLevel;
  points: number;
  windowDays: number;
  /** Largest contribution first; empty for a quiet green place. */
  reasons: PlaceReason[];
}

/** The tunable rules: points per piece of evidence, thresholds, and how often each level is inspected. */
export interface PlaceRiskRules {
  windowDays: number;
  points: { alert: number; case: number; missedInspection: number; failedInspection: number };
  /** A place with at least this many points is yellow (or red). */
  yellowFrom: number;
  redFrom: number;
  /** Working days between inspections per level (red daily, yellow weekly, green monthly). */
  inspectEveryWorkingDays: Record<PlaceLevel, number>;
}

export const DEFAULT_PLACE_RISK_RULES: PlaceRiskRules = {
  windowDays: 30,
  points: { alert: 1, case: 2, missedInspection: 2, failedInspection: 3 },
  yellowFrom: 3,
  redFrom: 8,
  inspectEveryWorkingDays: { red: 1, yellow: 5, green: 22 },
};

const rank = (level: PlaceLevel): number => PLACE_LEVELS.indexOf(level);

/**
 * The level of a place: the points of its evidence against the thresholds, never below the
 * level an administrator set as its floor (a construction site stays at least yellow).
 */
export function assessPlaceRisk(
  evidence: PlaceEvidence,
  rules: PlaceRiskRules,
  baseLevel: PlaceLevel = 'green',
): PlaceRiskAssessment {
  const { points } = rules;
  const reasons: PlaceReason[] = [];
  for (const [category, count] of Object.entries(evidence.alerts))
    if (count > 0) reasons.push({ kind: 'alerts', category, count, points: count * points.alert });
  const counted = [
    ['cases', evidence.cases, points.case],
    ['missed_inspections', evidence.missedInspections, points.missedInspection],
    ['failed_inspections', evidence.failedInspections, points.failedInspection],
  ] as const;
  for (const [kind, count, each] of counted)
    if (count > 0) reasons.push({ kind, count, points: count * each });
  reasons.sort((a, b) => ('points' in b ? b.points : 0) - ('points' in a ? a.points : 0));
  const total = reasons.reduce((sum, r) => sum + ('points' in r ? r.points : 0), 0);
  const scored: PlaceLevel = total >= rules.redFrom ? 'red' : total >= rules.yellowFrom ? 'yellow' : 'green';
  if (rank(baseLevel) > rank(scored)) {
    reasons.unshift({ kind: 'base_level', level: baseLevel });
    return { level: baseLevel, points: total, windowDays: rules.windowDays, reasons };
  }
  return { level: scored, points: total, windowDays: rules.windowDays, reasons };
}

const isCount = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** Validates rules from the admin API, listing every problem. */
export function validatePlaceRiskRules(
  input: unknown,
): { ok: true; rules: PlaceRiskRules } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'rules' })] };
  const r = input as Record<string, unknown>;
  const errors: Problem[] = [];
  if (!isCount(r.windowDays, 366) || r.windowDays < 1) errors.push(apiText('place.rulesWindowDays'));
  const points = (typeof r.points === 'object' && r.points !== null ? r.points : {}) as Record<
    string,
    unknown
  >;
  for (const key of ['alert', 'case', 'missedInspection', 'failedInspection'])
    if (!isCount(points[key], 100)) errors.push(apiText('place.rulesPoints', { field: `points.${key}` }));
  if (!isCount(r.yellowFrom, 10_000) || r.yellowFrom < 1) errors.push(apiText('place.rulesYellowFrom'));
  if (!isCount(r.redFrom, 10_000)) errors.push(apiText('place.rulesRedFrom'));
  else if (isCount(r.yellowFrom, 10_000) && r.redFrom <= r.yellowFrom)
    errors.push(apiText('place.rulesRedAboveYellow'));
  const every = (
    typeof r.inspectEveryWorkingDays === 'object' && r.inspectEveryWorkingDays !== null
      ? r.inspectEveryWorkingDays
      : {}
  ) as Record<string, unknown>;
  for (const level of PLACE_LEVELS) {
    const days = every[level];
    if (!isCount(days, 366) || days < 1)
      errors.push(apiText('place.rulesEvery', { field: `inspectEveryWorkingDays.${level}` }));
  }
  if (errors.length > 0) return { ok: false, errors };
  const rules: PlaceRiskRules = {
    windowDays: r.windowDays as number,
    points: {
      alert: points.alert as number,
      case: points.case as number,
      missedInspection: points.missedInspection as number,
      failedInspection: points.failedInspection as number,
    },
    yellowFrom: r.yellowFrom as number,
    redFrom: r.redFrom as number,
    inspectEveryWorkingDays: {
      red: every.red as number,
      yellow: every.yellow as number,
      green: every.green as number,
    },
  };
  return { ok: true, rules };
}
