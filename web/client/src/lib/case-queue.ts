import { OPEN_CASE_STATES, severityRank } from '@gridsense/core';
import type { CaseState, CaseView, Severity } from '@gridsense/core';
import { activeDeadline } from './countdown';

/** The case queue's filters and orderings, as pure functions of the list and the clock. */

export type StateFilter = 'open' | 'all' | CaseState;

export interface CaseFilters {
  state: StateFilter;
  severity: Severity | '';
  category: string;
  gridId: string;
  overdueOnly: boolean;
}

export const DEFAULT_FILTERS: CaseFilters = {
  state: 'open',
  severity: '',
  category: '',
  gridId: '',
  overdueOnly: false,
};

/** What the queue needs of a case; the helpers return the full views they were given. */
export type QueueCase = Pick<
  CaseView,
  | 'id'
  | 'state'
  | 'severity'
  | 'category'
  | 'gridId'
  | 'gridName'
  | 'openedAt'
  | 'acceptDueAt'
  | 'resolveDueAt'
>;

export type CaseSort = 'newest' | 'deadline' | 'severity';
export const CASE_SORTS: readonly CaseSort[] = ['newest', 'deadline', 'severity'];

/** Whether the clock that matters now (accept, then resolve) has run out. */
export function isOverdue(
  record: Pick<CaseView, 'state' | 'acceptDueAt' | 'resolveDueAt'>,
  now: number,
): boolean {
  const deadline = activeDeadline(record);
  return deadline !== null && deadline.dueAt < now;
}

/** Closed cases are fetched only when a filter can show them. */
export function scopeFor(filters: Pick<CaseFilters, 'state'>): 'open' | 'all' {
  return filters.state === 'all' || filters.state === 'closed' ? 'all' : 'open';
}

export function filterCases<T extends QueueCase>(list: readonly T[], filters: CaseFilters, now: number): T[] {
  return list.filter(
    (view) =>
      (filters.state === 'all' ||
        (filters.state === 'open' ? OPEN_CASE_STATES.includes(view.state) : view.state === filters.state)) &&
      (filters.severity === '' || view.severity === filters.severity) &&
      (filters.category === '' || view.category === filters.category) &&
      (filters.gridId === '' || view.gridId === filters.gridId) &&
      (!filters.overdueOnly || isOverdue(view, now)),
  );
}

const dueAt = (view: QueueCase): number => activeDeadline(view)?.dueAt ?? Infinity;

/** newest: opened last first; deadline: the soonest (or longest overdue) clock first, no clock last; severity: worst first, then deadline. */
export function sortCases<T extends QueueCase>(list: readonly T[], sort: CaseSort): T[] {
  const byNewest = (a: QueueCase, b: QueueCase) => b.openedAt - a.openedAt || a.id.localeCompare(b.id);
  const byDeadline = (a: QueueCase, b: QueueCase) => {
    const left = dueAt(a);
    const right = dueAt(b);
    return left === right ? byNewest(a, b) : left < right ? -1 : 1;
  };
  const compare = {
    newest: byNewest,
    deadline: byDeadline,
    severity: (a: QueueCase, b: QueueCase) =>
      severityRank(b.severity) - severityRank(a.severity) || byDeadline(a, b),
  }[sort];
  return [...list].sort(compare);
}

/** The categories and grids present in the list, for the filter menus (grids by name). */
export function filterChoices(list: readonly QueueCase[]): {
  categories: string[];
  grids: { id: string; name: string }[];
} {
  const categories = [...new Set(list.map((view) => view.category))].sort();
  const grids = new Map(list.map((view) => [view.gridId, view.gridName]));
  return {
    categories,
    grids: [...grids]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id)),
  };
}
