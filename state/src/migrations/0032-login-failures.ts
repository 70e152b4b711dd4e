import type { Kysely, Migration } from 'kysely';
import { epochMsType } from './portable';

/**
 * Sign-in failures per account and per source address, kept in the state database so every web
 * node throttles the same guesses (a guesser spread over nodes gains nothing). Keys are
 * `account:<name>` and `address:<ip>`; rows without an attempt for an hour are swept.
 */
export const loginFailures: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('login_failures')
      .addColumn('key', 'varchar(300)', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('blocked_until', epochMsType(db), (c) => c.notNull())
      .addColumn('last_at', epochMsType(db), (c) => c.notNull())
      .execute();
    await db.schema.createIndex('login_failures_last_at').on('login_failures').column('last_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('login_failures').execute();
  },
};
