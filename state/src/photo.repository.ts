import { photoIdsIn } from '@gridsense/core';
import type { StateDb } from './database';

/**
 * Evidence photos: who uploaded each and which cases use it. Their bytes are kept apart (a file
 * under the data dir, or `photo_bodies` on PostgreSQL), by a writer the calls below run inside
 * their transaction.
 */
export interface PhotoRecord {
  id: string;
  uploaderId: string;
  contentType: string;
  bytes: number;
  createdAt: number;
}

export interface UploadQuota {
  /** Photos one person may upload in any 24 hours, and their total size. */
  perDay: number;
  bytesPerDay: number;
}

const DAY_MS = 86_400_000;

/**
 * Records an upload if the uploader's last 24 hours leave room for it, in one transaction so two
 * uploads at once cannot both squeeze past the quota, and keeps its bytes (`keepBody`) in that
 * transaction: when they cannot be kept, nothing is recorded. Answers which limit refused it, if
 * one did (its bytes are then not kept).
 */
export async function recordPhotoUpload(
  db: StateDb,
  photo: PhotoRecord,
  quota: UploadQuota,
  keepBody: (tx: StateDb) => Promise<void> = async () => undefined,
): Promise<'count' | 'bytes' | undefined> {
  return db.transaction().execute(async (tx) => {
    const used = await tx
      .selectFrom('photos')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number | null>('bytes').as('bytes')])
      .where('uploader_id', '=', photo.uploaderId)
      .where('created_at', '>', photo.createdAt - DAY_MS)
      .executeTakeFirstOrThrow();
    if (Number(used.count) + 1 > quota.perDay) return 'count';
    if (Number(used.bytes ?? 0) + photo.bytes > quota.bytesPerDay) return 'bytes';
    await tx
      .insertInto('photos')
      .values({
        id: photo.id,
        uploader_id: photo.uploaderId,
        content_type: photo.contentType,
        bytes: photo.bytes,
        created_at: photo.createdAt,
      })
      .execute();
    await keepBody(tx);
    return undefined;
  });
}

export async function findPhoto(db: StateDb, id: string): Promise<PhotoRecord | undefined> {
  const row = await db.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      uploaderId: row.uploader_id,
      contentType: row.content_type,
      bytes: row.bytes,
      createdAt: Number(row.created_at),
    }
  );
}

/** The cases whose timelines use a photo. */
export async function listPhotoCaseIds(db: StateDb, photoId: string): Promise<string[]> {
  const rows = await db.selectFrom('photo_uses').select('case_id').where('photo_id', '=', photoId).execute();
  return rows.map((r) => r.case_id);
}

/** Marks the uploaded photos a case change's timeline entries use (inside that change's transaction). */
export async function recordPhotoUses(
  tx: StateDb,
  caseId: string,
  entries: readonly { data: Record<string, unknown> | null }[],
): Promise<void> {
  const ids = [...new Set(entries.flatMap((entry) => photoIdsIn(entry.data)))];
  if (ids.length === 0) return;
  const known = await tx.selectFrom('photos').select('id').where('id', 'in', ids).execute();
  if (known.length === 0) return;
  await tx
    .insertInto('photo_uses')
    .values(known.map((photo) => ({ photo_id: photo.id, case_id: caseId })))
    .onConflict((oc) => oc.columns(['photo_id', 'case_id']).doNothing())
    .execute();
}

/** Photos uploaded before `before` that no case uses. */
export async function listUnusedPhotos(db: StateDb, before: number): Promise<string[]> {
  const rows = await db
    .selectFrom('photos')
    .select('id')
    .where('created_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('photo_uses').select('photo_id').whereRef('photo_uses.photo_id', '=', 'photos.id')),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Forgets photos, unless a case started using one meanwhile, and drops the bytes of those it
 * forgot (`dropBodies`) in the same transaction. Answers the ids forgotten.
 */
export async function deleteUnusedPhotos(
  db: StateDb,
  ids: readonly string[],
  dropBodies: (tx: StateDb, forgotten: string[]) => Promise<void> = async () => undefined,
): Promise<string[]> {
  if (ids.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .deleteFrom('photos')
      .where('id', 'in', [...ids])
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('photo_uses').select('photo_id').whereRef('photo_uses.photo_id', '=', 'photos.id'),
          ),
        ),
      )
      .returning('id')
      .execute();
    const forgotten = rows.map((r) => r.id);
    if (forgotten.length > 0) await dropBodies(tx, forgotten);
    return forgotten;
  });
}

/** Which of these photo ids have a record (files without one are leftovers). */
export async function knownPhotoIds(db: StateDb, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('photos')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}
