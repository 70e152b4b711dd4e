import type { Kysely, Migration } from 'kysely';

/**
 * The case list pages newest first and filters by who leads, who reported and where a case came
 * from; these indexes keep each page a range read instead of a sort of every case.
 */
export const caseList: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('cases_opened').on('cases').columns(['opened_at', 'id']).execute();
    await db.schema.createIndex('cases_state_opened').on('cases').columns(['state', 'opened_at']).execute();
    await db.schema.createIndex('cases_reporter').on('cases').column('reporter_id').execute();
    await db.schema.createIndex('cases_source_opened').on('cases').columns(['source', 'opened_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const name of ['cases_source_opened', 'cases_reporter', 'cases_state_opened', 'cases_opened'])
      await db.schema.dropIndex(name).execute();
  },
};
