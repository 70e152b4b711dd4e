import type { Kysely, Migration } from 'kysely';
import { autoIncrementId } from './portable';

/**
 * Early warnings (预警) found by the periodic pass, stored once per
 * (kind, region, category, place, period) so a rerun adds nothing, with their evidence (JSON)
 * and their state: open → acknowledged (who, when, note) or → case opened (the case). The pass
 * table records which hourly slot a pass has claimed, so two alerts processes never both run one.
 */
export const earlyWarnings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('early_warnings')
      .$call(autoIncrementId(db))
      .addColumn('kind', 'varchar(20)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('category', 'varchar(100)', (c) => c.notNull())
      .addColumn('place', 'varchar(300)', (c) => c.notNull())
      .addColumn('period', 'varchar(20)', (c) => c.notNull())
      .addColumn('state', 'varchar(20)', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('detected_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_by_id', 'varchar(64)')
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('note', 'text')
      .addColumn('case_id', 'varchar(64)')
      .addColumn('case_opened_by_id', 'varchar(64)')
      .addColumn('case_opened_at', 'bigint')
      .addUniqueConstraint('early_warnings_key', ['kind', 'region_id', 'category', 'place', 'period'])
      .execute();
    await db.schema
      .createIndex('early_warnings_detected')
      .on('early_warnings')
      .columns(['detected_at', 'id'])
      .execute();
    await db.schema
      .createTable('early_warning_passes')
      .addColumn('slot', 'bigint', (c) => c.primaryKey())
      .addColumn('claimed_by', 'varchar(100)', (c) => c.notNull())
      .addColumn('claimed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('early_warning_passes').execute();
    await db.schema.dropTable('early_warnings').execute();
  },
};
