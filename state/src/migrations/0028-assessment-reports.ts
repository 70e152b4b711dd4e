import type { Kysely, Migration } from 'kysely';
import { autoIncrementId } from './portable';

/**
 * 考核 and scheduled reports. `assessment_schemes` keeps every scheme an administrator saved (the
 * newest applies; the older ones show what a past ranking was scored on). `case_reports` holds one
 * row per (kind, period, region): the unique key is the claim, so of several alerts processes
 * exactly one generates each report, and a rerun after a restart adds nothing. `content` stays
 * null between the claim and the generated report; a claim left behind by a crash is taken over
 * once it is stale.
 */
export const assessmentReports: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('assessment_schemes')
      .$call(autoIncrementId(db))
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('saved_by_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('saved_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('case_reports')
      .$call(autoIncrementId(db))
      .addColumn('kind', 'varchar(10)', (c) => c.notNull())
      .addColumn('period_key', 'varchar(20)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('period_from', 'bigint', (c) => c.notNull())
      .addColumn('period_to', 'bigint', (c) => c.notNull())
      .addColumn('claimed_by', 'varchar(100)', (c) => c.notNull())
      .addColumn('claimed_at', 'bigint', (c) => c.notNull())
      .addColumn('generated_at', 'bigint')
      .addColumn('content', 'text')
      .addUniqueConstraint('case_reports_key', ['kind', 'period_key', 'region_id'])
      .execute();
    await db.schema
      .createIndex('case_reports_period')
      .on('case_reports')
      .columns(['period_from', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('case_reports').execute();
    await db.schema.dropTable('assessment_schemes').execute();
  },
};
