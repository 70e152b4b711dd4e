import type { Kysely, Migration } from 'kysely';
import { bytesType } from './portable';

/**
 * The bytes of evidence photos, one row per photo record, for state on PostgreSQL: every web
 * node reads them there, where a file under one node's data dir is seen by that node alone
 * (decision 0028). A row is written and deleted in the transaction of its `photos` record. On
 * SQLite (one node) the table exists and stays empty: photos remain files in the data dir.
 */
export const photoBodies: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('photo_bodies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('body', bytesType(db), (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('photo_bodies').execute();
  },
};
