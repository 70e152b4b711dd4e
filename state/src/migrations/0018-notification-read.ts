import type { Kysely, Migration } from 'kysely';

/**
 * When a person read an in-app notice (null: unread), so the console can show how many are
 * waiting and clear them once seen.
 */
export const notificationRead: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('notification_messages').addColumn('read_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('notification_messages').dropColumn('read_at').execute();
  },
};
