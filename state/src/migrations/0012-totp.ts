import type { Kysely, Migration } from 'kysely';
import { epochMsType } from './portable';

/**
 * Two-factor sign-in: each person's TOTP secret, sealed with the personal-data key
 * (`personal-data-key.ts`), the step of the last code accepted (a code works once), and the hashes of
 * their recovery codes. `pending_secret` is an enrolment started and not yet confirmed; it does
 * not replace the secret in use until a code from it is confirmed.
 */
export const totp: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('user_totp')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret', 'text')
      .addColumn('pending_secret', 'text')
      .addColumn('enabled_at', epochMsType(db))
      .addColumn('last_step', 'integer')
      .execute();
    await db.schema
      .createTable('user_recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', epochMsType(db))
      .addPrimaryKeyConstraint('user_recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('user_recovery_codes').execute();
    await db.schema.dropTable('user_totp').execute();
  },
};
