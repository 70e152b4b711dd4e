import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateDb } from '../database';
import { savePhotoBody } from '../photo-body.repository';

/** Records read per page; the bytes are read and written one photo at a time. */
const PAGE = 200;

export interface PhotoFilesCopied {
  /** Photo files now in `photo_bodies`. */
  copied: number;
  /** Photo records with no file in the data dir (their bytes were lost before the move). */
  missing: number;
}

/**
 * On SQLite a photo's bytes are a file under `<data dir>/photos`; on PostgreSQL they are rows of
 * `photo_bodies`, which every web node reads (decision 0028). The move brings the file of every
 * photo record along, in `tx`, so photos taken before it are served after it. At most one photo
 * (≤ 8 MiB) is held in memory at a time. Files without a record are leftovers the sweep would
 * remove, and are not copied.
 */
export async function copyPhotoFiles(tx: StateDb, photosDir: string): Promise<PhotoFilesCopied> {
  const result: PhotoFilesCopied = { copied: 0, missing: 0 };
  for (let after = ''; ;) {
    const page = await tx
      .selectFrom('photos')
      .select('id')
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (page.length === 0) return result;
    for (const { id } of page) {
      const body = await readFile(join(photosDir, id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (!body) result.missing++;
      else {
        await savePhotoBody(tx, id, body);
        result.copied++;
      }
    }
    after = page.at(-1)!.id;
  }
}
