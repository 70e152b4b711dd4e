import type { Kysely, Migration } from 'kysely';

/**
 * The audit page reads newest first, filtered by who acted, what they did and when; these
 * indexes keep each page a range read however long the log grows. (Entity type and id already
 * have `audit_log_entity`.)
 */
export const auditPaging: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'seq']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'seq']).execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const name of ['audit_log_at', 'audit_log_action', 'audit_log_actor'])
      await db.schema.dropIndex(name).execute();
  },
};
