import { apiText } from './api-texts';
import type { Problem } from './errors';

/**
 * The case taxonomy: category → subcategory → type (大类 → 小类 → 子类). Keys are dotted paths
 * (`fire_safety`, `fire_safety.alarm`, `fire_safety.alarm.smoke`), so a key says where it sits;
 * top-level keys are the `category` that rules and cases carry.
 */
export type CategoryLevel = 'category' | 'subcategory' | 'type';

export interface CaseCategoryNode {
  key: string;
  level: CategoryLevel;
  /** zh-CN name shown to people; the key is the English id. */
  name: string;
  /** Safety categories need a photo to resolve (set on the top level, inherited below). */
  safety: boolean;
  /** Rule ids and device event types that this type classifies (auto channel). */
  matches: string[];
  /**
   * Whether patrol and hotline reports of this category are registered (立案) by the platform at
   * once; otherwise they wait in the desk's 待立案 queue with a register clock. Set on the top
   * level; absent means false: 立案 is the desk's decision unless a category says otherwise.
   */
  autoRegister?: boolean;
}

export interface CaseClassification {
  category: string;
  subcategory: string | null;
  caseType: string | null;
}

const KEY = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,2}$/;
const LEVEL_BY_DEPTH: CategoryLevel[] = ['category', 'subcategory', 'type'];

export function parentKey(key: string): string | null {
  const i = key.lastIndexOf('.');
  return i < 0 ? null : key.slice(0, i);
}

export function categoryOf(key: string): string {
  return key.split('.')[0]!;
}

/** Whether a category's cases need photo evidence (its top-level node decides). */
export function isSafetyCategory(nodes: readonly CaseCategoryNode[], category: string): boolean {
  return nodes.some((n) => n.key === categoryOf(category) && n.safety);
}

/**
 * Whether a report from this channel is registered without the desk: sensor and camera alarms
 * always (the rule is the decision), human reports only when their category is set to.
 */
export function registersAutomatically(
  nodes: readonly CaseCategoryNode[],
  category: string,
  source: 'auto' | 'patrol' | 'hotline',
): boolean {
  if (source === 'auto') return true;
  return nodes.find((n) => n.key === categoryOf(category))?.autoRegister === true;
}

/** Classifies a risk by its rule id or event type; falls back to the rule's category alone. */
export function classifySignal(
  nodes: readonly CaseCategoryNode[],
  signal: { category: string; ruleId: string; eventType?: string },
): CaseClassification {
  const type = nodes.find(
    (n) =>
      n.level === 'type' &&
      categoryOf(n.key) === signal.category &&
      (n.matches.includes(signal.ruleId) ||
        (signal.eventType !== undefined && n.matches.includes(signal.eventType))),
  );
  if (!type) return { category: signal.category, subcategory: null, caseType: null };
  return { category: signal.category, subcategory: parentKey(type.key), caseType: type.key };
}

/**
 * Checks that a reported classification names real nodes that belong together: the subcategory
 * under the category and the type under the subcategory. Returns the problems.
 */
export function checkClassification(nodes: readonly CaseCategoryNode[], c: CaseClassification): Problem[] {
  const has = (key: string, level: CategoryLevel) => nodes.some((n) => n.key === key && n.level === level);
  const errors: Problem[] = [];
  if (!has(c.category, 'category')) errors.push(apiText('taxonomy.unknownCategory', { id: c.category }));
  if (
    c.subcategory !== null &&
    (!has(c.subcategory, 'subcategory') || parentKey(c.subcategory) !== c.category)
  )
    errors.push(apiText('taxonomy.subcategoryNotUnder', { id: c.subcategory, parent: c.category }));
  if (c.caseType !== null && (!has(c.caseType, 'type') || parentKey(c.caseType) !== c.subcategory))
    errors.push(
      c.subcategory === null
        ? apiText('taxonomy.typeNeedsSubcategory', { id: c.caseType })
        : apiText('taxonomy.typeNotUnder', { id: c.caseType, parent: c.subcategory }),
    );
  return errors;
}

/** Validates a taxonomy node from JSON (admin API); its parent must already exist. */
export function validateCategoryNode(
  input: unknown,
  existing: readonly CaseCategoryNode[],
): { ok: true; node: CaseCategoryNode } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'node' })] };
  const n = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const key = typeof n.key === 'string' ? n.key : '';
  if (!KEY.test(key)) errors.push(apiText('taxonomy.keyShape'));
  const level = LEVEL_BY_DEPTH[key.split('.').length - 1];
  if (n.level !== level)
    errors.push(level ? apiText('taxonomy.levelForKey', { level }) : apiText('taxonomy.levelAny'));
  const parent = parentKey(key);
  if (KEY.test(key) && parent !== null && !existing.some((e) => e.key === parent))
    errors.push(apiText('taxonomy.noParent', { id: parent }));
  if (typeof n.name !== 'string' || !n.name.trim()) errors.push(apiText('field.required', { field: 'name' }));
  if (typeof n.safety !== 'boolean') errors.push(apiText('field.mustBeTrueOrFalse', { field: 'safety' }));
  if (n.autoRegister !== undefined && typeof n.autoRegister !== 'boolean')
    errors.push(apiText('field.mustBeTrueOrFalse', { field: 'autoRegister' }));
  if (!Array.isArray(n.matches) || n.matches.some((m) => typeof m !== 'string'))
    errors.push(apiText('taxonomy.matches'));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, node: input as CaseCategoryNode };
}
