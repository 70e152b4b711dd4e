import { OPEN_CASE_STATES, type CaseRecord } from '@gridsense/core';
import { toCaseRecord } from './case-rows';
import type { StateDb } from './database';

/**
 * The cases the 态势 dashboard counts in some grids: every open case, however old, and every case
 * opened since `openedFrom` (today's, closed or not).
 */
export async function listSituationCases(
  db: StateDb,
  gridIds: readonly string[],
  openedFrom: number,
): Promise<CaseRecord[]> {
  if (gridIds.length === 0) return [];
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('grid_id', 'in', [...gridIds])
    .where((eb) => eb.or([eb('state', 'in', [...OPEN_CASE_STATES]), eb('opened_at', '>=', openedFrom)]))
    .execute();
  return rows.map(toCaseRecord);
}
