import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Closing a case without handling it (作废 void, 误报 false alarm, 重复件 duplicate, with the case
 * it repeats), and who returned a case last, so it is not suggested straight back to them. Cases
 * closed before keep `close_reason` null: they were handled (办结).
 */
export const caseClosing: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of ['close_reason', 'duplicate_of_id', 'returned_by_id'])
      await db.schema.alterTable('cases').addColumn(column, 'text').execute();
    // A case waiting for re-dispatch after a return learns who returned it from its timeline.
    await sql`update cases set returned_by_id = (
        select e.actor_id from case_events e
        where e.case_id = cases.id and e.action = 'return'
        order by e.id desc limit 1)
      where state = 'returned'`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const column of ['returned_by_id', 'duplicate_of_id', 'close_reason'])
      await db.schema.alterTable('cases').dropColumn(column).execute();
  },
};
