import type { StateDb } from './database';

/**
 * Photo bytes in the state database (`photo_bodies`, 0031), for state on PostgreSQL. Writes take
 * the transaction that records or forgets the photo, so a record and its bytes come and go together.
 */
export async function savePhotoBody(tx: StateDb, id: string, body: Buffer): Promise<void> {
  await tx.insertInto('photo_bodies').values({ id, body }).execute();
}

export async function readPhotoBody(db: StateDb, id: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('photo_bodies').select('body').where('id', '=', id).executeTakeFirst();
  return row?.body;
}

export async function deletePhotoBodies(tx: StateDb, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .deleteFrom('photo_bodies')
    .where('id', 'in', [...ids])
    .execute();
}
