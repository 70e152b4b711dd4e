import { ACTIVE_CASE_STATES, type CaseRecord } from './case-types';

/** Why another case may be the same matter: the same caller (一人多诉), or the same place and category (多人一诉). */
export type MergeReason = 'same_caller' | 'same_place';
export const MERGE_REASONS: readonly MergeReason[] = ['same_caller', 'same_place'];

export interface MergeCandidate<C> {
  record: C;
  reasons: MergeReason[];
}

type Mergeable = Pick<CaseRecord, 'id' | 'state' | 'gridId' | 'category' | 'parentId' | 'openedAt'>;

/**
 * The cases the desk may merge into `target`, each with why, from those sharing its caller and
 * those in its grid: open and not yet resolved (what a merge takes), never the case itself or
 * the case it sits under. Both reasons on one case count once; oldest first.
 */
export function mergeCandidates<C extends Mergeable>(
  target: Mergeable,
  sameCaller: readonly C[],
  samePlace: readonly C[],
): MergeCandidate<C>[] {
  const byId = new Map<string, MergeCandidate<C>>();
  const add = (record: C, reason: MergeReason) => {
    if (record.id === target.id || record.id === target.parentId) return;
    if (!ACTIVE_CASE_STATES.includes(record.state)) return;
    if (reason === 'same_place' && (record.gridId !== target.gridId || record.category !== target.category))
      return;
    const found = byId.get(record.id);
    if (!found) byId.set(record.id, { record, reasons: [reason] });
    else if (!found.reasons.includes(reason)) found.reasons.push(reason);
  };
  for (const record of sameCaller) add(record, 'same_caller');
  for (const record of samePlace) add(record, 'same_place');
  return [...byId.values()].sort((a, b) => a.record.openedAt - b.record.openedAt);
}

/** What the console lists of a merge candidate (`GET /api/cases/:id/merge-candidates`); no caller. */
export interface MergeCandidateView {
  id: string;
  title: string;
  state: CaseRecord['state'];
  severity: CaseRecord['severity'];
  source: CaseRecord['source'];
  category: string;
  gridId: string;
  address: string | null;
  openedAt: number;
  reasons: MergeReason[];
}

export function mergeCandidateView({ record, reasons }: MergeCandidate<CaseRecord>): MergeCandidateView {
  const { id, title, state, severity, source, category, gridId, address, openedAt } = record;
  return { id, title, state, severity, source, category, gridId, address, openedAt, reasons };
}
