import type { Kysely, Migration } from 'kysely';

/** People can be disabled by an administrator (no sign-in, no routing) without losing their history. */
export const peopleAdmin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('enabled').execute();
  },
};
