import { sql } from 'kysely';
import { dialectOf, type StateDb } from '@gridsense/state';

/**
 * Makes the state database itself refuse timeline entries of one action (a trigger), as a full
 * disk or a dropped connection would, so a change of several cases fails midway for real.
 */
export async function failTimelineEntries(db: StateDb, action: string): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql
      .raw(
        `create function refuse_entry() returns trigger language plpgsql as $$ ` +
          `begin raise exception 'the disk is full'; end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger refuse_entry before insert on case_events for each row ` +
          `when (new.action = '${action}') execute function refuse_entry()`,
      )
      .execute(db);
  } else
    await sql
      .raw(
        `create trigger refuse_entry before insert on case_events when new.action = '${action}' ` +
          `begin select raise(abort, 'the disk is full'); end`,
      )
      .execute(db);
}

/** Takes timeline entries again. */
export async function acceptTimelineEntries(db: StateDb): Promise<void> {
  await sql
    .raw('drop trigger refuse_entry' + (dialectOf(db) === 'postgres' ? ' on case_events' : ''))
    .execute(db);
}

/** Rows in a table, to show a failed change left none behind. */
export async function countRows(
  db: StateDb,
  table: 'cases' | 'case_requesters' | 'notification_messages' | 'audit_log',
): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}
