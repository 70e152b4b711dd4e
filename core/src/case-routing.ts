import { apiText } from './api-texts';
import type { Problem } from './errors';
import type { DutyKind } from './model';

/**
 * "One matter, one list" (一个事项一个清单): category × region → a lead handler (主办) and
 * co-handlers (协办), so the choice is written down and nobody can shift the blame.
 */
export type HandlerRef =
  /** The grid's on-duty workers, primary then backup (AB角). */
  | { kind: 'grid_duty' }
  /** Supervisors of the grid's community or street. */
  | { kind: 'community' }
  | { kind: 'street' }
  /** A department's on-duty handlers. */
  | { kind: 'department'; departmentId: string }
  | { kind: 'user'; userId: string };

export interface DispatchRule {
  id: string;
  /** A taxonomy key at any depth (`fire_safety`, `fire_safety.alarm.smoke`) or `*`. */
  match: string;
  /** The rule applies to grids in this region's subtree. */
  regionId: string;
  lead: HandlerRef;
  coHandlers: HandlerRef[];
  enabled: boolean;
  note: string | null;
  /** 协办: whether the lead resolves only after the co-handlers' reports are in (absent: yes). */
  coReportsRequired?: boolean;
}

export interface RoutingTarget {
  category: string;
  subcategory: string | null;
  caseType: string | null;
  /** The grid and its ancestors, nearest first (grid, community, street, district). */
  lineage: string[];
}

/** How well a rule's `match` fits: the deeper the taxonomy key, the better; -1 if it does not. */
function matchDepth(match: string, target: RoutingTarget): number {
  if (match === '*') return 0;
  if (match === target.caseType) return 3;
  if (match === target.subcategory) return 2;
  if (match === target.category) return 1;
  return -1;
}

/**
 * The rule for a case: the most specific category match, then the nearest region (a grid's own
 * rule beats its street's), then list order.
 */
export function pickDispatchRule(
  rules: readonly DispatchRule[],
  target: RoutingTarget,
): DispatchRule | undefined {
  let best: { rule: DispatchRule; depth: number; distance: number } | undefined;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const depth = matchDepth(rule.match, target);
    const distance = target.lineage.indexOf(rule.regionId);
    if (depth < 0 || distance < 0) continue;
    if (!best || depth > best.depth || (depth === best.depth && distance < best.distance))
      best = { rule, depth, distance };
  }
  return best?.rule;
}

export function handlerKey(ref: HandlerRef): string {
  switch (ref.kind) {
    case 'department':
      return `department:${ref.departmentId}`;
    case 'user':
      return `user:${ref.userId}`;
    case 'grid_duty':
    case 'community':
    case 'street':
      return ref.kind;
  }
}

export interface Candidate {
  userId: string;
  duty: DutyKind;
  departmentId: string | null;
}

export interface HandlerChoice {
  leadId: string;
  departmentId: string | null;
  coHandlerIds: string[];
}

/**
 * Lead and co-handlers from the people each reference resolves to (already filtered to who is on
 * duty): the lead is the first primary, else the first backup; each co-handler reference adds its
 * primary. Undefined when nobody is on duty for the lead.
 */
export function chooseHandlers(
  rule: Pick<DispatchRule, 'lead' | 'coHandlers'>,
  candidates: ReadonlyMap<string, readonly Candidate[]>,
  exclude: readonly string[] = [],
): HandlerChoice | undefined {
  const first = (ref: HandlerRef) => {
    const people = (candidates.get(handlerKey(ref)) ?? []).filter((c) => !exclude.includes(c.userId));
    return people.find((c) => c.duty === 'primary') ?? people[0];
  };
  const lead = first(rule.lead);
  if (!lead) return undefined;
  const coHandlerIds: string[] = [];
  for (const ref of rule.coHandlers) {
    const co = first(ref);
    if (co && co.userId !== lead.userId && !coHandlerIds.includes(co.userId)) coHandlerIds.push(co.userId);
  }
  return { leadId: lead.userId, departmentId: lead.departmentId, coHandlerIds };
}

/** Validates a dispatch rule from JSON (admin API), listing every problem. */
export function validateDispatchRule(
  input: unknown,
): { ok: true; rule: DispatchRule } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'rule' })] };
  const r = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const isRef = (ref: unknown): boolean => {
    if (typeof ref !== 'object' || ref === null) return false;
    const h = ref as Record<string, unknown>;
    if (h.kind === 'grid_duty' || h.kind === 'community' || h.kind === 'street') return true;
    if (h.kind === 'department') return typeof h.departmentId === 'string' && h.departmentId !== '';
    return h.kind === 'user' && typeof h.userId === 'string' && h.userId !== '';
  };
  if (typeof r.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(r.id))
    errors.push(apiText('field.charsRange', { field: 'id', min: 1, max: 64, chars: 'A-Z a-z 0-9 _ -' }));
  if (typeof r.match !== 'string' || !r.match) errors.push(apiText('dispatch.match'));
  if (typeof r.regionId !== 'string' || !r.regionId)
    errors.push(apiText('field.required', { field: 'regionId' }));
  if (!isRef(r.lead)) errors.push(apiText('dispatch.handlerRef', { field: 'lead' }));
  if (!Array.isArray(r.coHandlers) || !r.coHandlers.every(isRef))
    errors.push(apiText('dispatch.handlerRefs', { field: 'coHandlers' }));
  if (typeof r.enabled !== 'boolean') errors.push(apiText('field.mustBeTrueOrFalse', { field: 'enabled' }));
  if (r.note !== null && r.note !== undefined && typeof r.note !== 'string')
    errors.push(apiText('field.mustBeString', { field: 'note' }));
  if (r.coReportsRequired !== undefined && typeof r.coReportsRequired !== 'boolean')
    errors.push(apiText('field.mustBeTrueOrFalse', { field: 'coReportsRequired' }));
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, rule: { ...(input as DispatchRule), note: (r.note as string | undefined) ?? null } };
}
