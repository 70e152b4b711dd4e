import type { Kysely, Migration } from 'kysely';

/** Devices can be disabled by an engineer (refused at CONNECT) without deleting their history. */
export const deviceAdmin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('devices')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('devices').dropColumn('enabled').execute();
  },
};
