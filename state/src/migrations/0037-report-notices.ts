import type { Kysely, Migration } from 'kysely';

/**
 * A report's notices share the group key `report:<id>` whatever their target (its region's
 * channels, each of its readers in the app); the report view reads where it went by that key
 * alone, which the (target kind, target id, group key) index cannot serve.
 */
export const reportNotices: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('notification_messages_group_key')
      .on('notification_messages')
      .column('group_key')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('notification_messages_group_key').execute();
  },
};
