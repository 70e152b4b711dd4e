import { OPEN_CASE_STATES, type CaseRecord } from '@gridsense/core';
import { toCaseRecord } from './case-rows';
import type { StateDb } from './database';

/** Open cases, other than this one, with a caller of the same number (一人多诉), oldest first. */
export async function listOpenCasesOfSameCaller(db: StateDb, caseId: string): Promise<CaseRecord[]> {
  const rows = await db
    .selectFrom('case_requesters as mine')
    .innerJoin('case_requesters as theirs', 'theirs.phone_hash', 'mine.phone_hash')
    .innerJoin('cases', 'cases.id', 'theirs.case_id')
    .selectAll('cases')
    .where('mine.case_id', '=', caseId)
    .where('theirs.case_id', '!=', caseId)
    .where('cases.state', 'in', OPEN_CASE_STATES)
    .orderBy('cases.opened_at')
    .execute();
  // A caller who called twice about the other case joins it twice: each case once.
  const byId = new Map(rows.map((row) => [row.id, row]));
  return [...byId.values()].map(toCaseRecord);
}

/** Open cases, other than this one, of the same grid and category (多人一诉), oldest first. */
export async function listOpenCasesAtSamePlace(
  db: StateDb,
  record: Pick<CaseRecord, 'id' | 'gridId' | 'category'>,
): Promise<CaseRecord[]> {
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('grid_id', '=', record.gridId)
    .where('category', '=', record.category)
    .where('id', '!=', record.id)
    .where('state', 'in', OPEN_CASE_STATES)
    .orderBy('opened_at')
    .execute();
  return rows.map(toCaseRecord);
}
