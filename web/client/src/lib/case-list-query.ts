import { CASE_SORTS, CASE_SOURCES, CASE_STATES, SEVERITIES } from '@gridsense/core';
import type { CaseSort, CaseSource, CaseStateFilter, Severity } from '@gridsense/core';

/**
 * The case list's filters as they live in the address (`#/cases?q=路灯&source=hotline&page=2`), so
 * the back button and a shared link bring the same list back; and as the API query they ask for.
 */
export interface CaseListFilters {
  state: CaseStateFilter;
  severity: Severity | '';
  category: string;
  gridId: string;
  /** A person's id, `me`, `none` (nobody leads it yet) or '' for anyone. */
  assignee: string;
  source: CaseSource | '';
  /** Opened on or after / on or before this day (YYYY-MM-DD, the viewer's time zone). */
  from: string;
  to: string;
  q: string;
  awaitingMine: boolean;
  overdueOnly: boolean;
  /** The 督办 queue: only cases under supervision. */
  supervisedOnly: boolean;
  sort: CaseSort;
  /** 1-based. */
  page: number;
}

export const DEFAULT_LIST_FILTERS: CaseListFilters = {
  state: 'open',
  severity: '',
  category: '',
  gridId: '',
  assignee: '',
  source: '',
  from: '',
  to: '',
  q: '',
  awaitingMine: false,
  overdueOnly: false,
  supervisedOnly: false,
  sort: 'newest',
  page: 1,
};

export const CASE_PAGE_SIZE = 50;
/** The API pages at most 10,000 cases in; narrow the filters to reach further. */
const MAX_PAGE = 10_000 / CASE_PAGE_SIZE + 1;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STATE_FILTERS: readonly string[] = ['open', 'all', ...CASE_STATES];

/** The filters in a hash's query; anything unknown or malformed falls back to its default. */
export function filtersFromHash(hash: string): CaseListFilters {
  const at = hash.indexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
  const text = (key: string) => params.get(key) ?? '';
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T =>
    allowed.includes(text(key) as T) ? (text(key) as T) : fallback;
  const page = Number(text('page'));
  return {
    state: oneOf('state', STATE_FILTERS, 'open') as CaseStateFilter,
    severity: oneOf<Severity | ''>('severity', SEVERITIES, ''),
    category: text('category'),
    gridId: text('grid'),
    assignee: text('assignee'),
    source: oneOf<CaseSource | ''>('source', CASE_SOURCES, ''),
    from: DAY.test(text('from')) ? text('from') : '',
    to: DAY.test(text('to')) ? text('to') : '',
    q: text('q').slice(0, 50),
    awaitingMine: text('awaiting') === 'mine',
    overdueOnly: text('overdue') === '1',
    supervisedOnly: text('supervised') === '1',
    sort: oneOf<CaseSort>('sort', CASE_SORTS, 'newest'),
    page: Number.isInteger(page) && page > 1 ? Math.min(page, MAX_PAGE) : 1,
  };
}

/** `#/cases` with every filter that differs from its default. */
export function hashForFilters(filters: CaseListFilters): string {
  const params = new URLSearchParams();
  const put = (key: string, value: string, fallback: string) => {
    if (value !== fallback) params.set(key, value);
  };
  put('state', filters.state, 'open');
  put('severity', filters.severity, '');
  put('category', filters.category, '');
  put('grid', filters.gridId, '');
  put('assignee', filters.assignee, '');
  put('source', filters.source, '');
  put('from', filters.from, '');
  put('to', filters.to, '');
  put('q', filters.q.trim(), '');
  put('awaiting', filters.awaitingMine ? 'mine' : '', '');
  put('overdue', filters.overdueOnly ? '1' : '', '');
  put('supervised', filters.supervisedOnly ? '1' : '', '');
  put('sort', filters.sort, 'newest');
  put('page', String(filters.page), '1');
  const query = params.toString();
  return query ? `#/cases?${query}` : '#/cases';
}

/** Midnight at the start of a local day, or of the day after (for an inclusive end). */
function dayStart(day: string, after = false): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + (after ? 1 : 0)).getTime();
}

/**
 * The API query (`GET /api/cases/search`) for the filters: `me` becomes the viewer's id, days
 * become times, and "overdue" asks for clocks that ran out before `now`.
 */
export function searchQuery(filters: CaseListFilters, viewerId: string, now: number): string {
  const params = new URLSearchParams({ state: filters.state, sort: filters.sort });
  const put = (key: string, value: string) => {
    if (value) params.set(key, value);
  };
  put('severity', filters.severity);
  put('category', filters.category);
  put('gridId', filters.gridId);
  put('assignee', filters.assignee === 'me' ? viewerId : filters.assignee);
  put('source', filters.source);
  if (filters.from) params.set('from', String(dayStart(filters.from)));
  if (filters.to) params.set('to', String(dayStart(filters.to, true) - 1));
  put('q', filters.q.trim());
  if (filters.awaitingMine) params.set('awaiting', 'verification');
  if (filters.overdueOnly) params.set('dueBefore', String(now));
  if (filters.supervisedOnly) params.set('supervised', 'true');
  params.set('limit', String(CASE_PAGE_SIZE));
  params.set('offset', String((filters.page - 1) * CASE_PAGE_SIZE));
  return params.toString();
}

/** The pages there are for `total` cases (at least one, so "page 1 of 1" reads right when empty). */
export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / CASE_PAGE_SIZE));
}

let lastListHash = '#/cases';

/** The list as last seen (filters and page), for a case's "back to the list" link. */
export function listHref(): string {
  return lastListHash;
}

export function rememberListHref(hash: string): void {
  lastListHash = hash;
}
