import { OPEN_CASE_STATES, type CaseRecord } from '@gridsense/core';
import type { StateDb } from './database';
import { toCaseRecord } from './case-rows';

/**
 * Open cases a person holds, as lead or as co-handler (handover when they leave). The co-handler
 * list is a JSON array in a text column on both SQLite and PostgreSQL, so a quoted-id match
 * narrows the rows and the exact check happens on the parsed record.
 */
export async function listOpenCasesHeldBy(db: StateDb, userId: string): Promise<CaseRecord[]> {
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('state', 'in', OPEN_CASE_STATES)
    .where((eb) =>
      eb.or([eb('assignee_id', '=', userId), eb('co_handler_ids', 'like', `%${JSON.stringify(userId)}%`)]),
    )
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
  return rows.map(toCaseRecord).filter((r) => r.assigneeId === userId || r.coHandlerIds.includes(userId));
}
