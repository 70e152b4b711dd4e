import { isPhotoId } from '@gridsense/core';
import {
  deletePhotoBodies,
  dialectOf,
  knownPhotoIds,
  readPhotoBody,
  savePhotoBody,
  type StateDb,
} from '@gridsense/state';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where evidence photo bytes are kept (decision 0028). The writes run inside the transaction that
 * records or forgets the photo (`tx`), so a failure to keep bytes leaves no record behind.
 */
export interface PhotoBodies {
  save(tx: StateDb, id: string, bytes: Buffer): Promise<void>;
  read(id: string): Promise<Buffer | undefined>;
  delete(tx: StateDb, ids: readonly string[]): Promise<void>;
  /** Removes bytes older than `before` that have no record; answers how many. */
  removeLeftovers(before: number): Promise<number>;
}

/**
 * Bytes beside their records in the state database: what web nodes on one PostgreSQL all read.
 * Nothing is ever left over, since record and bytes share each transaction.
 */
export function databasePhotoBodies(db: StateDb): PhotoBodies {
  return {
    save: savePhotoBody,
    read: (id) => readPhotoBody(db, id),
    delete: deletePhotoBodies,
    removeLeftovers: () => Promise.resolve(0),
  };
}

/** Bytes as files named by photo id under `dir`: one node on SQLite, as photos always were. */
export function filePhotoBodies(db: StateDb, dir: string): PhotoBodies {
  const fileOf = (name: string) => join(dir, name);
  return {
    async save(_tx, id, bytes) {
      await mkdir(dir, { recursive: true });
      // Written aside and renamed, so a reader never sees half a file.
      await writeFile(fileOf(`${id}.tmp`), bytes);
      await rename(fileOf(`${id}.tmp`), fileOf(id));
    },
    read: (id) => readFile(fileOf(id)).catch(() => undefined),
    async delete(_tx, ids) {
      for (const id of ids) await rm(fileOf(id), { force: true });
    },
    /**
     * Files with no record: uploads from before records were kept, half-written ones, or one
     * whose record's transaction failed to commit after the file was written.
     */
    async removeLeftovers(before) {
      const names = await readdir(dir).catch(() => [] as string[]);
      let removed = 0;
      for (let i = 0; i < names.length; i += 500) {
        const batch = names.slice(i, i + 500);
        const known = await knownPhotoIds(db, batch.filter(isPhotoId));
        for (const name of batch) {
          if (known.has(name) || !(isPhotoId(name) || name.endsWith('.tmp'))) continue;
          const { mtimeMs } = await stat(fileOf(name)).catch(() => ({ mtimeMs: Infinity }));
          if (mtimeMs >= before) continue;
          await rm(fileOf(name), { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

/**
 * The bytes' place for this state database: PostgreSQL serves several web nodes, so the bytes go
 * there with their records; SQLite is one node's, so files under `dir` (its `<data dir>/photos`).
 * A data dir moved to PostgreSQL brings its files along (`state/src/state-move/photo-files.ts`).
 */
export function photoBodiesFor(db: StateDb, dir: string): PhotoBodies {
  return dialectOf(db) === 'postgres' ? databasePhotoBodies(db) : filePhotoBodies(db, dir);
}
