import { apiText, englishOf, type ApiText } from './api-texts';
import type { Problem } from './errors';
import type { CaseSource, CaseState } from './case-types';
import { CASE_STATES } from './case-types';
import { SEVERITIES, type Severity } from './model';
import type { CaseView } from './api';

/**
 * One page of the case list (`GET /api/cases/search`): the filters a person sets in the console,
 * validated at the boundary. Every value is bounded so a query stays cheap: the text is short,
 * pages are at most `CASE_PAGE_MAX` long and start at most `CASE_OFFSET_MAX` in.
 */
export type CaseStateFilter = 'open' | 'all' | CaseState;
export type CaseSort = 'newest' | 'deadline' | 'severity';
export const CASE_SORTS: readonly CaseSort[] = ['newest', 'deadline', 'severity'];
export const CASE_SOURCES: readonly CaseSource[] = ['auto', 'patrol', 'hotline'];
export const CASE_PAGE_MAX = 100;
export const CASE_OFFSET_MAX = 10_000;
export const CASE_SEARCH_TEXT_MAX = 50;

export interface CaseSearch {
  state: CaseStateFilter;
  severity: Severity | null;
  category: string | null;
  gridId: string | null;
  /** A person's id, or `none` for cases nobody leads yet. */
  assignee: string | null;
  source: CaseSource | null;
  /** Opened at or after / before this time (epoch ms). */
  openedFrom: number | null;
  openedTo: number | null;
  /** Words found in the title, description or address. */
  text: string | null;
  /** Only resolved cases the person may verify (待我核查). */
  awaitingMyVerification: boolean;
  /** Only cases under 督办 (the supervision queue). */
  supervised: boolean;
  /** Only cases whose running clock (accept, then resolve) ran out before this time (epoch ms). */
  dueBefore: number | null;
  sort: CaseSort;
  limit: number;
  offset: number;
}

export interface CasePageView {
  cases: CaseView[];
  /** How many cases match, across every page. */
  total: number;
  limit: number;
  offset: number;
  /**
   * With `dueBefore`: when the next clock among the other matching cases runs out (epoch ms), so a
   * list of overdue cases asks again then instead of polling; null when none is running.
   */
  nextDueAt?: number | null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Problem[] };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const CATEGORY = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,2}$/;

const KNOWN_KEYS = new Set([
  'state',
  'severity',
  'category',
  'gridId',
  'assignee',
  'source',
  'from',
  'to',
  'q',
  'awaiting',
  'dueBefore',
  'supervised',
  'sort',
  'limit',
  'offset',
]);

/** Parses the list's query string; every problem is listed. */
export function parseCaseSearch(query: Record<string, unknown>): Parsed<CaseSearch> {
  const errors: Problem[] = [];
  const said = new Set<string>();
  const invalid = (problem: ApiText): null => {
    const english = englishOf(problem);
    if (!said.has(english)) errors.push(problem);
    said.add(english);
    return null;
  };
  /** The value given once, undefined when absent; `bad` is called when it does not fit. */
  const read = <T>(key: string, fit: (value: string) => T | null, bad: () => null): T | null => {
    const value = query[key];
    if (value === undefined || value === '') return null;
    if (typeof value !== 'string') return invalid(apiText('search.filterOnce'));
    return fit(value) ?? bad();
  };
  const among =
    <T extends string>(allowed: readonly T[]) =>
    (value: string): T | null =>
      allowed.includes(value as T) ? (value as T) : null;
  const like = (pattern: RegExp) => (value: string) => (pattern.test(value) ? value : null);
  const integer = (min: number, max: number) => (value: string) => {
    const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
  };
  const epochMs = integer(0, Number.MAX_SAFE_INTEGER);

  for (const key of Object.keys(query))
    if (!KNOWN_KEYS.has(key)) invalid(apiText('search.unknownFilter', { field: key }));
  const states: readonly CaseStateFilter[] = ['open', 'all', ...CASE_STATES];
  const state = read('state', among(states), () => invalid(apiText('search.stateOneOf'))) ?? 'open';
  const severity = read('severity', among(SEVERITIES), () =>
    invalid(apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') })),
  );
  const category = read('category', like(CATEGORY), () => invalid(apiText('search.category')));
  const gridId = read('gridId', like(ID), () => invalid(apiText('search.gridId')));
  const assignee = read('assignee', like(ID), () => invalid(apiText('search.assignee')));
  const source = read('source', among(CASE_SOURCES), () => invalid(apiText('search.source')));
  const openedFrom = read('from', epochMs, () => invalid(apiText('range.epochMs')));
  const openedTo = read('to', epochMs, () => invalid(apiText('range.epochMs')));
  if (openedFrom !== null && openedTo !== null && openedFrom > openedTo)
    invalid(apiText('search.fromAfterTo'));
  const fitsText = (value: string) => ([...value].length <= CASE_SEARCH_TEXT_MAX ? value.trim() : null);
  const text =
    read('q', fitsText, () => invalid(apiText('search.textMax', { max: CASE_SEARCH_TEXT_MAX }))) || null;
  const awaiting = read('awaiting', among(['verification'] as const), () =>
    invalid(apiText('search.awaiting')),
  );
  const supervised = read('supervised', among(['true'] as const), () =>
    invalid(apiText('search.supervised')),
  );
  const dueBefore = read('dueBefore', epochMs, () =>
    invalid(apiText('field.epochMs', { field: 'dueBefore' })),
  );
  const sort = read('sort', among(CASE_SORTS), () => invalid(apiText('search.sort'))) ?? 'newest';
  const limit =
    read('limit', integer(1, CASE_PAGE_MAX), () =>
      invalid(apiText('search.limit', { max: CASE_PAGE_MAX })),
    ) ?? 50;
  const offset =
    read('offset', integer(0, CASE_OFFSET_MAX), () =>
      invalid(apiText('search.offset', { max: CASE_OFFSET_MAX })),
    ) ?? 0;
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      state,
      severity,
      category,
      gridId,
      assignee,
      source,
      openedFrom,
      openedTo,
      text,
      awaitingMyVerification: awaiting === 'verification',
      dueBefore,
      supervised: supervised === 'true',
      sort,
      limit,
      offset,
    },
  };
}
