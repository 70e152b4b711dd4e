import type { Kysely, Migration } from 'kysely';
import { autoIncrementId } from './portable';

/** Regions, people, duties, devices, reject counts, rules, cases and their timeline. */
export const foundation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('regions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('regions.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('boundary', 'text')
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('grid_duties')
      .addColumn('grid_id', 'text', (c) => c.notNull().references('regions.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('duty', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('grid_duties_pk', ['grid_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('grid_id', 'text', (c) => c.notNull().references('regions.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('lng', 'double precision', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_seen_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('devices_grid').on('devices').column('grid_id').execute();
    await db.schema
      .createTable('device_rejects')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('last_detail', 'text', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_rejects_pk', ['device_id', 'reason'])
      .execute();
    await db.schema
      .createTable('rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('grid_id', 'text', (c) => c.notNull().references('regions.id'))
      .addColumn('device_id', 'text')
      .addColumn('rule_id', 'text')
      .addColumn('assignee_id', 'text')
      .addColumn('resolved_by_id', 'text')
      .addColumn('return_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('risk_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('accept_due_at', 'bigint')
      .addColumn('resolve_due_at', 'bigint')
      .execute();
    await db.schema.createIndex('cases_grid_state').on('cases').columns(['grid_id', 'state']).execute();
    await db.schema.createIndex('cases_assignee').on('cases').column('assignee_id').execute();
    await db.schema
      .createIndex('cases_cause')
      .on('cases')
      .columns(['device_id', 'rule_id', 'state'])
      .execute();
    await db.schema
      .createTable('case_events')
      .$call(autoIncrementId(db))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('data', 'text')
      .execute();
    await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'id']).execute();
  },
};
