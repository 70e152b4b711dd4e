import type { Kysely, Migration } from 'kysely';
import { autoIncrementId } from './portable';

/**
 * 重点场所 (places) inside grids, the devices attached to them, their inspections (巡检) and the
 * tunable rules of their risk levels. A place has at most one open inspection: `open_place_id`
 * holds its id while the inspection is open and NULL once done, and is unique, so two alerts
 * processes generating tasks at once cannot both open one. A device belongs to one place.
 */
export const places: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('places')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('kind', 'varchar(30)', (c) => c.notNull())
      .addColumn('grid_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('address', 'varchar(300)', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('lng', 'double precision', (c) => c.notNull())
      .addColumn('base_level', 'varchar(10)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('places_grid').on('places').column('grid_id').execute();
    await db.schema
      .createTable('place_devices')
      .addColumn('device_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('place_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('attached_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('place_devices_place').on('place_devices').column('place_id').execute();
    await db.schema
      .createTable('place_inspections')
      .$call(autoIncrementId(db))
      .addColumn('place_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('open_place_id', 'varchar(64)', (c) => c.unique())
      .addColumn('grid_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('level', 'varchar(10)', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('escalation_level', 'varchar(20)')
      .addColumn('escalated_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .addColumn('done_by_id', 'varchar(64)')
      .addColumn('lng', 'double precision')
      .addColumn('lat', 'double precision')
      .addColumn('accuracy_m', 'double precision')
      .addColumn('photos', 'text')
      .addColumn('checklist', 'text')
      .addColumn('passed', 'integer')
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('place_inspections_place_due')
      .on('place_inspections')
      .columns(['place_id', 'due_at'])
      .execute();
    await db.schema
      .createTable('place_risk_rules')
      .addColumn('id', 'varchar(20)', (c) => c.primaryKey())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by_id', 'varchar(64)')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('place_risk_rules').execute();
    await db.schema.dropTable('place_inspections').execute();
    await db.schema.dropTable('place_devices').execute();
    await db.schema.dropTable('places').execute();
  },
};
