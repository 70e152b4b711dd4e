import type { Kysely, Migration } from 'kysely';

/**
 * Device health kept by ingest: the seq bookkeeping per device stream (duplicates, gaps), message
 * and reading counts with per-minute buckets for rates, and the last bad payload per reject reason.
 */
export const ingest: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('device_seq_state')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_seq_state_pk', ['device_id', 'stream'])
      .execute();
    await db.schema
      .createTable('device_activity')
      .addColumn('device_id', 'text', (c) => c.primaryKey())
      .addColumn('messages', 'bigint', (c) => c.notNull())
      .addColumn('readings', 'bigint', (c) => c.notNull())
      .addColumn('rejects', 'bigint', (c) => c.notNull())
      .addColumn('duplicates', 'bigint', (c) => c.notNull())
      .addColumn('last_message_at', 'bigint')
      .addColumn('minutes', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('device_rejects').addColumn('last_payload', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('device_rejects').dropColumn('last_payload').execute();
    await db.schema.dropTable('device_activity').execute();
    await db.schema.dropTable('device_seq_state').execute();
  },
};
