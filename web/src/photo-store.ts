import { apiText, AppError, isPhotoId, photoPath } from '@gridsense/core';
import {
  deleteUnusedPhotos,
  findPhoto,
  listUnusedPhotos,
  recordPhotoUpload,
  type StateDb,
  type UploadQuota,
} from '@gridsense/state';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { photoBodiesFor, type PhotoBodies } from './photo-bodies';

/** What an evidence photo may be, told by its first bytes, never by what the client says it is. */
const SIGNATURES = [
  {
    type: 'image/jpeg',
    extension: 'jpg',
    matches: (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    type: 'image/png',
    extension: 'png',
    matches: (b: Buffer) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/webp',
    extension: 'webp',
    matches: (b: Buffer) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
] as const;

export type PhotoType = (typeof SIGNATURES)[number]['type'];
/** Content types the upload route reads a body for; the bytes decide what it really is. */
export const PHOTO_CONTENT_TYPES: readonly string[] = SIGNATURES.map((s) => s.type);
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

/** The photo type these bytes start with (JPEG, PNG or WebP), if any. */
export function sniffPhotoType(bytes: Buffer): { type: PhotoType; extension: string } | undefined {
  const found = SIGNATURES.find((signature) => bytes.length >= 12 && signature.matches(bytes));
  return found && { type: found.type, extension: found.extension };
}

export interface PhotoLimits extends UploadQuota {
  /** An upload no case or report uses is removed once it is this old. */
  keepUnusedMs: number;
}

/** A grid worker's busy day is dozens of photos; these stop a runaway client, not a person. */
export const DEFAULT_PHOTO_LIMITS: PhotoLimits = {
  perDay: 200,
  bytesPerDay: 500 * 1024 * 1024,
  keepUnusedMs: 24 * 3600_000,
};

export type PhotoStore = ReturnType<typeof createPhotoStore>;

/** Where the photo files are, with state on SQLite. */
export const photosDir = (dataDir: string): string => join(dataDir, 'photos');

/**
 * Evidence photo records in the state database, quotas and the sweep; the bytes where `bodies`
 * keeps them (by default chosen by the database: `photoBodiesFor`, files under `dir` on SQLite).
 */
export function createPhotoStore(deps: {
  db: StateDb;
  dir: string;
  now: () => number;
  limits?: Partial<PhotoLimits>;
  bodies?: PhotoBodies;
}) {
  const limits = { ...DEFAULT_PHOTO_LIMITS, ...deps.limits };
  // Chosen at first use: route factories are built before anything is asked of the database.
  let chosen: PhotoBodies | undefined;
  const bodies = (): PhotoBodies => (chosen ??= deps.bodies ?? photoBodiesFor(deps.db, deps.dir));

  return {
    /** Stores an upload for `uploaderId`; answers its path, the only way a case may refer to it. */
    async save(uploaderId: string, bytes: Buffer): Promise<{ url: string }> {
      const kind = sniffPhotoType(bytes);
      if (!kind) throw new AppError('validation_failed', apiText('photo.sendImage'));
      const id = `${randomUUID()}.${kind.extension}`;
      const refused = await recordPhotoUpload(
        deps.db,
        { id, uploaderId, contentType: kind.type, bytes: bytes.length, createdAt: deps.now() },
        limits,
        (tx) => bodies().save(tx, id, bytes),
      );
      if (refused === 'count') throw new AppError('too_many_requests', apiText('photo.tooMany'));
      if (refused === 'bytes') throw new AppError('too_many_requests', apiText('photo.tooManyBytes'));
      return { url: photoPath(id) };
    },

    /** A stored photo's bytes and type (who may read it is the caller's question). */
    async read(id: string): Promise<{ body: Buffer; contentType: string } | undefined> {
      const photo = isPhotoId(id) ? await findPhoto(deps.db, id) : undefined;
      const body = photo && (await bodies().read(id));
      return body && { body, contentType: photo.contentType };
    },

    /** Removes uploads no case uses once they are older than `keepUnusedMs`, bytes and record. */
    async sweep(): Promise<number> {
      const cutoff = deps.now() - limits.keepUnusedMs;
      const removed = await deleteUnusedPhotos(deps.db, await listUnusedPhotos(deps.db, cutoff), (tx, ids) =>
        bodies().delete(tx, ids),
      );
      return removed.length + (await bodies().removeLeftovers(cutoff));
    },
  };
}

/** Sweeps unused uploads now and then every `intervalMs` (an hour), until stopped. */
export function startPhotoSweep(
  store: PhotoStore,
  options: { onError: (error: unknown) => void; intervalMs?: number },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running.then(() => store.sweep()).catch(options.onError);
  };
  sweep();
  const timer = setInterval(sweep, options.intervalMs ?? 3600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
