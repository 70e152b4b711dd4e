import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Rule history (every create, update, enable and disable is a version, so a rule can be read as
 * it was and rolled back) and the rule engine's persisted state per (rule, subject), so firing
 * risks, durations and deadman clocks survive a restart.
 */
export const rules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rule_versions')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('changed_at', 'bigint', (c) => c.notNull())
      .addColumn('changed_by', 'text')
      .addPrimaryKeyConstraint('rule_versions_pk', ['rule_id', 'version'])
      .execute();
    // Rules that existed before this migration start their history at their current version.
    await sql`INSERT INTO rule_versions (rule_id, version, definition, enabled, changed_at, changed_by)
      SELECT id, version, definition, enabled, updated_at, NULL FROM rules`.execute(db);
    await db.schema
      .createTable('rule_states')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('severity', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rule_states_pk', ['rule_id', 'subject'])
      .execute();
  },
};
