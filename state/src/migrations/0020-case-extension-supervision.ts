import type { Kysely, Migration } from 'kysely';

/**
 * 延期 and 督办 on the case: a waiting extension request (JSON: days, reason, who asked and when)
 * and supervision with when, by whom ('system' for an automatic trigger) and why. The 督办 queue
 * lists supervised cases newest first, hence the index.
 */
export const caseExtensionSupervision: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('cases').addColumn('extension_request', 'text').execute();
    await db.schema.alterTable('cases').addColumn('supervised_at', 'bigint').execute();
    await db.schema.alterTable('cases').addColumn('supervised_by_id', 'text').execute();
    await db.schema.alterTable('cases').addColumn('supervision_reason', 'text').execute();
    await db.schema.createIndex('cases_supervised').on('cases').column('supervised_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('cases_supervised').execute();
    for (const column of ['supervision_reason', 'supervised_by_id', 'supervised_at', 'extension_request'])
      await db.schema.alterTable('cases').dropColumn(column).execute();
  },
};
