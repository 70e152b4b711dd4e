import { apiText } from './api-texts';
import type { Problem } from './errors';
import {
  DEFAULT_FUSION_GROUPS,
  DEFAULT_SUPPRESSION_RULES,
  type FusionGroup,
  type SuppressionRule,
} from './case-fusion';
import { REGION_LEVELS, type RegionLevel } from './model';

/**
 * What fuses and what suppresses, as an administrator sets it (the defaults until then): the
 * fusion groups (which categories and device types describe one kind of incident, how near and
 * how soon) and the suppression rules (a parent case covering its children's flood).
 */
export interface FusionConfig {
  groups: FusionGroup[];
  suppression: SuppressionRule[];
}

export const DEFAULT_FUSION_CONFIG: FusionConfig = {
  groups: DEFAULT_FUSION_GROUPS,
  suppression: DEFAULT_SUPPRESSION_RULES,
};

const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_ENTRIES = 50;
export const FUSION_RADIUS_M = { min: 1, max: 5_000 };
export const FUSION_WINDOW_MS = { min: 60_000, max: 24 * 3_600_000 };

type Checked = { ok: true; config: FusionConfig } | { ok: false; errors: Problem[] };

/** Checks an administrator's fusion settings against the taxonomy's category keys. */
export function validateFusionConfig(input: unknown, categories: readonly string[]): Checked {
  const errors: Problem[] = [];
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const list = (value: unknown, field: string): unknown[] => {
    if (!Array.isArray(value)) {
      errors.push(apiText('fusion.mustBeList', { field }));
      return [];
    }
    if (value.length > MAX_ENTRIES) errors.push(apiText('fusion.atMostEntries', { field, max: MAX_ENTRIES }));
    return value.slice(0, MAX_ENTRIES);
  };
  const keys = (value: unknown, field: string, known?: readonly string[]): string[] => {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENTRIES) {
      errors.push(apiText('fusion.keyList', { field, max: MAX_ENTRIES }));
      return [];
    }
    const notKeys = value.filter((k) => typeof k !== 'string' || !KEY.test(k)).map(String);
    if (notKeys.length > 0) errors.push(apiText('fusion.notKeys', { field, values: notKeys.join(', ') }));
    const unknown = known
      ? value.filter((k) => typeof k === 'string' && KEY.test(k) && !known.includes(k))
      : [];
    if (unknown.length > 0)
      errors.push(apiText('fusion.notCategories', { field, values: unknown.join(', ') }));
    return [...new Set(value.filter((k): k is string => typeof k === 'string'))];
  };
  const number = (value: unknown, field: string, range: { min: number; max: number }): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max)
      errors.push(apiText('fusion.wholeNumberRange', { field, min: range.min, max: range.max }));
    return value as number;
  };

  const seen = new Set<string>();
  const groups = list(body.groups, 'groups').map((raw, i): FusionGroup => {
    const g = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const field = `groups[${i}]`;
    if (typeof g.key !== 'string' || !KEY.test(g.key)) errors.push(apiText('fusion.keyShape', { field }));
    else if (seen.has(g.key)) errors.push(apiText('fusion.keyTwice', { field, key: g.key }));
    else seen.add(g.key);
    return {
      key: String(g.key),
      categories: keys(g.categories, `${field}.categories`, categories),
      deviceTypes: keys(g.deviceTypes, `${field}.deviceTypes`),
      radiusM: number(g.radiusM, `${field}.radiusM`, FUSION_RADIUS_M),
      windowMs: number(g.windowMs, `${field}.windowMs`, FUSION_WINDOW_MS),
    };
  });
  const suppression = list(body.suppression, 'suppression').map((raw, i): SuppressionRule => {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const field = `suppression[${i}]`;
    if (!REGION_LEVELS.includes(r.scope as RegionLevel)) errors.push(apiText('fusion.scopeOneOf', { field }));
    const parents = keys(r.parentCategories, `${field}.parentCategories`, categories);
    const children = keys(r.childCategories, `${field}.childCategories`, categories);
    const both = parents.filter((c) => children.includes(c));
    // A case would suppress the cases of its own kind: every new one would vanish under the first.
    if (both.length > 0) errors.push(apiText('fusion.parentAndChild', { field, values: both.join(', ') }));
    return { parentCategories: parents, scope: r.scope as RegionLevel, childCategories: children };
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: { groups, suppression } };
}
