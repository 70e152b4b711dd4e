import { apiText } from './api-texts';
import type { Problem } from './errors';
import { ACTIVE_CASE_STATES, type CaseRecord, type CaseSource } from './case-types';
import type { RegionLevel } from './model';

/**
 * One case per incident, never one case per neighbourhood. Automatic fusion joins only the same
 * matter: a device's alarm joins an open case of its kind when that case already holds an alarm
 * from a device of a related type, in the same grid, within `radiusM` of the new device, and within
 * the window. A case opened by a person (hotline, patrol) holds no device, so it never absorbs an
 * alarm; a person's report never fuses automatically either. Anything else is joined only by an
 * operator's explicit merge. A parent case (a community power cut) still swallows the flood of
 * child risks (devices offline) beneath it.
 */
export interface FusionGroup {
  key: string;
  /** Categories that describe the same kind of incident. */
  categories: string[];
  /** Device types whose alarms describe this kind of incident (a smoke detector and a camera for fire). */
  deviceTypes: string[];
  /** A signal within this distance of a device already in the case is the same matter. */
  radiusM: number;
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
  {
    key: 'fire',
    categories: ['fire_safety', 'electrical_safety'],
    deviceTypes: ['smoke_detector', 'camera', 'electrical_fire'],
    radiusM: 300,
    windowMs: 10 * 60_000,
  },
  {
    key: 'gas',
    categories: ['gas_safety'],
    deviceTypes: ['gas_detector'],
    radiusM: 200,
    windowMs: 10 * 60_000,
  },
  {
    key: 'flood',
    categories: ['flood'],
    deviceTypes: ['water_level', 'camera'],
    radiusM: 500,
    windowMs: 30 * 60_000,
  },
  {
    key: 'structure',
    categories: ['structural_safety'],
    deviceTypes: ['structure_tilt'],
    radiusM: 100,
    windowMs: 30 * 60_000,
  },
];

export const DEFAULT_SUPPRESSION_RULES: SuppressionRule[] = [
  { parentCategories: ['power_outage'], scope: 'community', childCategories: ['device_health', 'facility'] },
  { parentCategories: ['network_outage'], scope: 'street', childCategories: ['device_health'] },
];

export interface Point {
  lat: number;
  lng: number;
}

/** A device as fusion sees it: what kind it is and where it stands. */
export interface FusionDevice extends Point {
  id: string;
  type: string;
}

export interface IncomingRisk {
  gridId: string;
  category: string;
  at: number;
}

/** A new signal: a device's alarm (with its device) or a person's report (no device). */
export interface IncomingSignal extends IncomingRisk {
  source: CaseSource;
  /** The alarming device; null for reports by people. */
  device: FusionDevice | null;
}

type Candidate = Pick<CaseRecord, 'id' | 'gridId' | 'category' | 'state' | 'lastSignalAt' | 'parentId'>;

/** An open case with the devices whose alarms it holds (none for a case opened by a person). */
export type FusionCandidate = Candidate & { devices: readonly FusionDevice[] };

/** Great-circle distance in metres (haversine; ample for a few hundred metres). */
export function metresBetween(a: Point, b: Point): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The open case this signal belongs to by fusion, if any (the most recently active one). Only a
 * device's alarm fuses, and only into a case that holds an alarm from a device of a related type in
 * the same grid within the group's radius, inside the window. A person's report never fuses (an
 * operator merges it by hand when it is the same matter).
 */
export function findFusionTarget<C extends FusionCandidate>(
  signal: IncomingSignal,
  open: readonly C[],
  groups: readonly FusionGroup[] = DEFAULT_FUSION_GROUPS,
): C | undefined {
  const { device } = signal;
  if (signal.source !== 'auto' || !device) return undefined;
  const group = groups.find((g) => g.categories.includes(signal.category));
  if (!group || !group.deviceTypes.includes(device.type)) return undefined;
  return open
    .filter(
      (c) =>
        c.gridId === signal.gridId &&
        c.parentId === null &&
        ACTIVE_CASE_STATES.includes(c.state) &&
        group.categories.includes(c.category) &&
        signal.at - c.lastSignalAt <= group.windowMs &&
        signal.at >= c.lastSignalAt - group.windowMs &&
        c.devices.some(
          (d) => group.deviceTypes.includes(d.type) && metresBetween(d, device) <= group.radiusM,
        ),
    )
    .sort((a, b) => b.lastSignalAt - a.lastSignalAt)[0];
}

/**
 * Open cases of the same grid, group and window that a new case did not join: the dispatchers see
 * them as possibly related and may merge them by hand (nothing joins on this list alone).
 */
export function findPossiblyRelated<C extends Candidate>(
  risk: IncomingRisk,
  open: readonly C[],
  groups: readonly FusionGroup[] = DEFAULT_FUSION_GROUPS,
): C[] {
  const group = groups.find((g) => g.categories.includes(risk.category));
  if (!group) return [];
  return open.filter(
    (c) =>
      c.gridId === risk.gridId &&
      ACTIVE_CASE_STATES.includes(c.state) &&
      group.categories.includes(c.category) &&
      Math.abs(risk.at - c.lastSignalAt) <= group.windowMs,
  );
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

/** Two cases an operator merges by hand: `kept` takes in `absorbed`, which closes as its duplicate. */
export interface MergePair {
  kept: Pick<CaseRecord, 'id' | 'state' | 'parentId'>;
  absorbed: Pick<CaseRecord, 'id' | 'state'>;
  /** How many cases sit under the absorbed one as their parent. */
  absorbedChildren: number;
}

/** Why these two cases cannot be merged, or nothing. Any two cases in the person's scope may be. */
export function mergeProblems({ kept, absorbed, absorbedChildren }: MergePair): Problem[] {
  if (kept.id === absorbed.id) return [apiText('merge.itself')];
  const problems: Problem[] = [];
  if (!ACTIVE_CASE_STATES.includes(kept.state)) problems.push(apiText('merge.keptOpen'));
  if (!ACTIVE_CASE_STATES.includes(absorbed.state)) problems.push(apiText('merge.absorbedOpen'));
  if (absorbedChildren > 0) problems.push(apiText('merge.hasChildren'));
  if (kept.parentId === absorbed.id) problems.push(apiText('merge.intoChild'));
  return problems;
}

/** The kept case after taking in the absorbed one (its deadlines are the caller's: see tightening). */
export function mergedCounts(
  kept: Pick<CaseRecord, 'occurrences' | 'riskActive' | 'lastSignalAt'>,
  absorbed: Pick<CaseRecord, 'occurrences' | 'riskActive' | 'lastSignalAt'>,
): Pick<CaseRecord, 'occurrences' | 'riskActive' | 'lastSignalAt'> {
  return {
    occurrences: kept.occurrences + absorbed.occurrences,
    riskActive: kept.riskActive || absorbed.riskActive,
    lastSignalAt: Math.max(kept.lastSignalAt, absorbed.lastSignalAt),
  };
}
