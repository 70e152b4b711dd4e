import { ACTIVE_CASE_STATES, type CaseRecord } from './case-types';
import type { RegionLevel } from './model';

/**
 * One case per cause, and one case per incident: related risks in the same grid within a window
 * (a smoke sensor, a camera's `fire_smoke`, a hotline fire call) join one case; a parent case
 * (a community power cut) swallows the flood of child risks (devices offline) beneath it.
 */
export interface FusionGroup {
  key: string;
  /** Categories that describe the same kind of incident. */
  categories: string[];
  /** A risk joins a case whose last signal is at most this old. */
  windowMs: number;
}

export interface SuppressionRule {
  parentCategories: string[];
  /** The parent covers every grid under its grid's ancestor at this level. */
  scope: RegionLevel;
  childCategories: string[];
}

export const DEFAULT_FUSION_GROUPS: FusionGroup[] = [
  { key: 'fire', categories: ['fire_safety', 'electrical_safety'], windowMs: 10 * 60_000 },
  { key: 'gas', categories: ['gas_safety'], windowMs: 10 * 60_000 },
  { key: 'flood', categories: ['flood'], windowMs: 30 * 60_000 },
  { key: 'structure', categories: ['structural_safety'], windowMs: 30 * 60_000 },
];

export const DEFAULT_SUPPRESSION_RULES: SuppressionRule[] = [
  { parentCategories: ['power_outage'], scope: 'community', childCategories: ['device_health', 'facility'] },
  { parentCategories: ['network_outage'], scope: 'street', childCategories: ['device_health'] },
];

export interface IncomingRisk {
  gridId: string;
  category: string;
  at: number;
}

type Candidate = Pick<CaseRecord, 'id' | 'gridId' | 'category' | 'state' | 'lastSignalAt' | 'parentId'>;

/** The open case this risk belongs to by fusion, if any (the most recently active one). */
export function findFusionTarget<C extends Candidate>(
  risk: IncomingRisk,
  open: readonly C[],
  groups: readonly FusionGroup[] = DEFAULT_FUSION_GROUPS,
): C | undefined {
  const group = groups.find((g) => g.categories.includes(risk.category));
  if (!group) return undefined;
  return open
    .filter(
      (c) =>
        c.gridId === risk.gridId &&
        c.parentId === null &&
        ACTIVE_CASE_STATES.includes(c.state) &&
        group.categories.includes(c.category) &&
        risk.at - c.lastSignalAt <= group.windowMs &&
        risk.at >= c.lastSignalAt - group.windowMs,
    )
    .sort((a, b) => b.lastSignalAt - a.lastSignalAt)[0];
}

/**
 * The open parent case whose scope covers this risk's grid, if any. `ancestorAt` gives a grid's
 * ancestor at a level (the grid itself for `grid`).
 */
export function findSuppressingParent<C extends Candidate>(
  risk: IncomingRisk,
  open: readonly C[],
  ancestorAt: (gridId: string, level: RegionLevel) => string | undefined,
  rules: readonly SuppressionRule[] = DEFAULT_SUPPRESSION_RULES,
): C | undefined {
  for (const rule of rules) {
    if (!rule.childCategories.includes(risk.category)) continue;
    const scope = ancestorAt(risk.gridId, rule.scope);
    if (scope === undefined) continue;
    const parent = open.find(
      (c) =>
        rule.parentCategories.includes(c.category) &&
        ACTIVE_CASE_STATES.includes(c.state) &&
        ancestorAt(c.gridId, rule.scope) === scope,
    );
    if (parent) return parent;
  }
  return undefined;
}
