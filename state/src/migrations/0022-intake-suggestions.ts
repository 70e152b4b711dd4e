import type { Kysely, Migration } from 'kysely';
import { autoIncrementId } from './portable';

/**
 * What the intake classifier suggested for a hotline or patrol case (its keys, best first, as
 * JSON) and the category the person chose, one row per case opened with a suggestion, so the
 * suggestion's top-1 / top-3 agreement is measured on real intake.
 */
export const intakeSuggestions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('intake_suggestions')
      .$call(autoIncrementId(db))
      .addColumn('case_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('channel', 'varchar(20)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('suggested', 'text', (c) => c.notNull())
      .addColumn('chosen', 'varchar(200)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('intake_suggestions_created')
      .on('intake_suggestions')
      .column('created_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('intake_suggestions').execute();
  },
};
