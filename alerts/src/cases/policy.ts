import {
  SAFETY_CATEGORIES,
  clockTiming,
  isSafetyCategory,
  pickSla,
  type CaseCategoryNode,
  type CaseRecord,
  type CaseSla,
  type ClockTiming,
  type SlaEntry,
  type TransitionPolicy,
  type WorkCalendar,
} from '@gridsense/core';
import { getWorkCalendar, listCategories, listSlas, type StateDb } from '@gridsense/state';

/**
 * What the case rules read from the database each time (taxonomy, SLA table, calendar), so an
 * administrator's change applies to the next move without a restart, in every process.
 */
export interface CasePolicy {
  categories: CaseCategoryNode[];
  slas: SlaEntry[];
  calendar: WorkCalendar;
  returnLimit: number;
}

export async function loadCasePolicy(db: StateDb, returnLimit: number): Promise<CasePolicy> {
  const [categories, slas, calendar] = await Promise.all([
    listCategories(db),
    listSlas(db),
    getWorkCalendar(db),
  ]);
  return { categories, slas, calendar, returnLimit };
}

/** Where a case sits in the taxonomy, and its severity: what picks its SLA row. */
export type SlaSubject = Pick<CaseRecord, 'category' | 'severity'> &
  Partial<Pick<CaseRecord, 'subcategory' | 'caseType'>>;

/** The case's SLA: the row of its most specific taxonomy node (type, subcategory, category). */
export function slaFor(policy: CasePolicy, record: SlaSubject): CaseSla {
  return pickSla(policy.slas, record, record.severity);
}

export function transitionPolicy(policy: CasePolicy, record: SlaSubject): TransitionPolicy {
  return { returnLimit: policy.returnLimit, calendar: policy.calendar, sla: slaFor(policy, record) };
}

/** The ticker's intervals for a case: its SLA's, shortened while it is under 督办. */
export function timingFor(
  policy: CasePolicy,
  record: SlaSubject & Pick<CaseRecord, 'supervisedAt'>,
): ClockTiming {
  return clockTiming(slaFor(policy, record), record.supervisedAt !== null);
}

export function needsPhoto(policy: CasePolicy, category: string): boolean {
  return isSafetyCategory(policy.categories, category) || SAFETY_CATEGORIES.includes(category);
}

export function categoryName(policy: CasePolicy, key: string | null): string | null {
  return key === null ? null : (policy.categories.find((c) => c.key === key)?.name ?? null);
}

/**
 * Short, readable case ids: C + yymmdd + 6 random base-32 characters (a billion a day, so a
 * district's few hundred daily cases practically never collide; the intake checks anyway).
 */
export function newCaseId(now: number, random: () => number = Math.random): string {
  const day = new Date(now).toISOString().slice(2, 10).replace(/-/g, '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet[Math.floor(random() * alphabet.length)];
  return `C${day}-${suffix}`;
}
