import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Hotline callers' names and phone numbers, stored in the clear until now, are sealed with the
 * personal-data key (`gridsense_seal`, registered on the connection by openStateDb). Values
 * already sealed are left alone.
 */
export const personalData: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`update case_requesters
      set name = gridsense_seal(name), phone = gridsense_seal(phone)
      where name not like 'gs1:%'`.execute(db);
  },
};
