import type { Kysely, Migration } from 'kysely';

/**
 * A person's language (`zh-CN` or `en`) for what the platform sends them: notices, push and
 * DingTalk/WeCom texts are rendered in it. Null: never chosen, read as zh-CN.
 */
export const personLocale: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('locale', 'varchar(10)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('locale').execute();
  },
};
