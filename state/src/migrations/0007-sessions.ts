import { sql, type Kysely, type Migration } from 'kysely';
import { epochMsType } from './portable';

/**
 * Server-side sessions, so signing out, a disable or a password reset ends them at once. Only
 * a hash of each token is stored. People get a password age and a "must change" mark (set when
 * an administrator issues the password).
 */
export const sessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', epochMsType(db), (c) => c.notNull())
      .addColumn('last_seen_at', epochMsType(db), (c) => c.notNull())
      .addColumn('expires_at', epochMsType(db), (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();
    await db.schema
      .alterTable('users')
      .addColumn('password_changed_at', epochMsType(db), (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Passwords set before this migration count from the person's creation.
    await sql`update users set password_changed_at = created_at`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('must_change_password').execute();
    await db.schema.alterTable('users').dropColumn('password_changed_at').execute();
    await db.schema.dropTable('sessions').execute();
  },
};
