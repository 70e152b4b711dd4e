import type { Kysely, Migration } from 'kysely';
import { epochMsType } from './portable';

/**
 * How to reach a person outside the console: their work phone (sealed with the personal-data key,
 * `personal-data-key.ts`; for `tel:` links and the SMS gateway) and their user ids in DingTalk and
 * WeCom (for 工作通知 / 应用消息 sent to them by name).
 */
export const personContacts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('person_contacts')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('phone', 'text')
      .addColumn('dingtalk_user_id', 'text')
      .addColumn('wecom_user_id', 'text')
      .addColumn('updated_at', epochMsType(db), (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('person_contacts').execute();
  },
};
