import { apiText } from './api-texts';
import { ACTIVE_CASE_STATES, type CaseRecord } from './case-types';
import type { Problem } from './errors';
import { SEVERITIES, type Severity } from './model';

/**
 * 拆分: a case that holds two matters keeps one; the other becomes a case of its own, described
 * and classified anew by the operator. Pure: the boundary check and the rules, no I/O.
 */
export interface CaseSplit {
  title: string;
  description: string;
  category: string;
  subcategory: string | null;
  caseType: string | null;
  severity: Severity;
  /** Why the case is split, for both timelines. */
  note: string | null;
}

const FIELDS = ['title', 'description', 'category', 'subcategory', 'caseType', 'severity', 'note'];

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Problem[] };

/** The split form's body, every problem listed at once. */
export function parseCaseSplit(input: unknown): Parsed<CaseSplit> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const body = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const text = (key: string, max: number): string => {
    const value = body[key];
    if (typeof value !== 'string' || !value.trim() || value.length > max) {
      errors.push(apiText('report.textRequired', { field: key, max }));
      return '';
    }
    return value.trim();
  };
  const optional = (key: string, max: number): string | null => {
    const value = body[key];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string' || value.length > max) {
      errors.push(apiText('field.textAtMost', { field: key, max }));
      return null;
    }
    return value.trim() || null;
  };
  const value: CaseSplit = {
    title: text('title', 120),
    description: text('description', 2000),
    category: text('category', 64),
    subcategory: optional('subcategory', 64),
    caseType: optional('caseType', 64),
    severity: body.severity as Severity,
    note: optional('note', 500),
  };
  if (!SEVERITIES.includes(body.severity as Severity))
    errors.push(apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') }));
  const unknown = Object.keys(body).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) errors.push(apiText('split.unknownFields', { fields: unknown.join(', ') }));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Why this case cannot be split this way, or nothing. */
export function splitProblems(
  original: Pick<CaseRecord, 'state' | 'title' | 'category' | 'subcategory' | 'caseType'>,
  split: Pick<CaseSplit, 'title' | 'category' | 'subcategory' | 'caseType'>,
): Problem[] {
  const problems: Problem[] = [];
  // A resolved case is checked as it was handled; a matter found in it afterwards is a new report.
  if (!ACTIVE_CASE_STATES.includes(original.state)) problems.push(apiText('split.notOpen'));
  const sameMatter =
    split.title === original.title &&
    split.category === original.category &&
    split.subcategory === original.subcategory &&
    split.caseType === original.caseType;
  if (sameMatter) problems.push(apiText('split.sameMatter'));
  return problems;
}
