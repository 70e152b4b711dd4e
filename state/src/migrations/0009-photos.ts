import type { Kysely, Migration } from 'kysely';

const TYPE_BY_EXTENSION: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
const PHOTO_PATH = /^\/api\/photos\/([0-9a-f-]{36}\.(?:jpg|png|webp))$/;

/** The photos an entry's data names as it was stored until now: `photos`, or a joined report's `snapshot`. */
function photosIn(data: { photos?: unknown; snapshot?: unknown }): string[] {
  const named = [...(Array.isArray(data.photos) ? data.photos : []), data.snapshot];
  return named.flatMap((value) => (typeof value === 'string' ? (PHOTO_PATH.exec(value)?.[1] ?? []) : []));
}

interface EventRow {
  id: number;
  case_id: string;
  actor_id: string;
  at: number;
  data: string;
}

/**
 * Evidence photos get an owner and a record of the cases that use them: who may read one, the
 * uploader's daily quota, and which uploads no case ever used (swept after a day). Photos that
 * timelines already use are recorded from those timelines (their uploader taken to be the person
 * who attached them; their size unknown, 0).
 */
export const photos: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('photos')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('uploader_id', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('photos_uploader')
      .on('photos')
      .columns(['uploader_id', 'created_at'])
      .execute();
    await db.schema.createIndex('photos_created').on('photos').column('created_at').execute();
    await db.schema
      .createTable('photo_uses')
      .addColumn('photo_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('photo_uses_pk', ['photo_id', 'case_id'])
      .execute();
    await db.schema.createIndex('photo_uses_case').on('photo_uses').column('case_id').execute();

    const old = db as unknown as Kysely<{
      case_events: EventRow;
      photos: { id: string; uploader_id: string; content_type: string; bytes: number; created_at: number };
      photo_uses: { photo_id: string; case_id: string };
    }>;
    const events = await old
      .selectFrom('case_events')
      .select(['case_id', 'actor_id', 'at', 'data'])
      .where('data', 'like', '%/api/photos/%')
      .orderBy('id')
      .execute();
    for (const event of events) {
      for (const id of photosIn(JSON.parse(event.data) as Record<string, unknown>)) {
        await old
          .insertInto('photos')
          .values({
            id,
            uploader_id: event.actor_id,
            content_type: TYPE_BY_EXTENSION[id.split('.').pop()!]!,
            bytes: 0,
            created_at: Number(event.at),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        await old
          .insertInto('photo_uses')
          .values({ photo_id: id, case_id: event.case_id })
          .onConflict((oc) => oc.columns(['photo_id', 'case_id']).doNothing())
          .execute();
      }
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('photo_uses').execute();
    await db.schema.dropTable('photos').execute();
  },
};
