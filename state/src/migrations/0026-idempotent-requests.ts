import type { Kysely, Migration } from 'kysely';

/**
 * Requests sent with an `Idempotency-Key` (a phone replaying its offline queue), remembered for a
 * day per person and key: what was asked (a hash of method, path and body) and, once answered,
 * the answer's status and JSON body, so a replay after a lost response gets the same answer
 * instead of applying the move twice. `response` is null while the first request runs.
 */
export const idempotentRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('idempotent_requests')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('key', 'varchar(100)', (c) => c.notNull())
      .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('response', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotent_requests_pk', ['user_id', 'key'])
      .execute();
    await db.schema
      .createIndex('idempotent_requests_created')
      .on('idempotent_requests')
      .column('created_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('idempotent_requests').execute();
  },
};
