import { photoIdOf } from '@gridsense/core';
import { findPhoto, recordPhotoUses, type StateDb } from '@gridsense/state';
import { openTestStateDb, openTestStateDbAgain, stateDialects } from '@gridsense/state/testing';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { photoBodiesFor } from './photo-bodies';
import { createPhotoStore, MAX_PHOTO_BYTES, sniffPhotoType } from './photo-store';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(20),
]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([30, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(20),
]);
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
const HOUR = 3600_000;

describe('photo content', () => {
  it('is told by its first bytes: JPEG, PNG and WebP, nothing else', () => {
    expect([JPEG, PNG, WEBP, HTML, SVG, Buffer.alloc(0)].map((b) => sniffPhotoType(b)?.type)).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe.each(stateDialects())('photos on %s', (dialect) => {
  let dir: string;
  let db: StateDb;
  let clock: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridsense-photos-'));
    db = await openTestStateDb(dialect);
    clock = Date.UTC(2026, 2, 10);
  });

  afterEach(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const storeWith = (limits = {}) =>
    createPhotoStore({ db, dir: join(dir, 'photos'), now: () => clock, limits });
  const filesIn = (photos: string) => readdir(photos).catch(() => [] as string[]);
  const rowsIn = async (handle: StateDb) =>
    (await handle.selectFrom('photo_bodies').select('id').execute()).map((row) => row.id);
  /** The photos whose bytes are kept: files on SQLite, rows on PostgreSQL (decision 0028). */
  const keptBodies = async () =>
    (dialect === 'postgres' ? await rowsIn(db) : await filesIn(join(dir, 'photos'))).sort();

  describe('where the bytes are', () => {
    it(
      dialect === 'postgres'
        ? 'in photo_bodies, beside the record, and no file'
        : 'a file under the photos dir, as on one node before',
      async () => {
        const id = photoIdOf((await storeWith().save('u-worker01', PNG)).url)!;
        const [files, rows] = [await filesIn(join(dir, 'photos')), await rowsIn(db)];
        expect({ files, rows }).toEqual(
          dialect === 'postgres' ? { files: [], rows: [id] } : { files: [id], rows: [] },
        );
      },
    );

    it('keeps a photo of the largest size accepted byte for byte', async () => {
      const largest = Buffer.alloc(MAX_PHOTO_BYTES, 0xa5);
      JPEG.copy(largest);
      const store = storeWith();
      const { url } = await store.save('u-worker01', largest);
      const read = await store.read(photoIdOf(url)!);
      expect(read?.body.equals(largest)).toBe(true);
    });

    it('records nothing when the bytes cannot be kept, and the failed upload counts against no quota', async () => {
      const bodies = photoBodiesFor(db, join(dir, 'photos'));
      const failing = createPhotoStore({
        db,
        dir: join(dir, 'photos'),
        now: () => clock,
        limits: { perDay: 1 },
        bodies: { ...bodies, save: () => Promise.reject(new Error('no space left on device')) },
      });
      await expect(failing.save('u-worker01', PNG)).rejects.toThrow('no space left on device');
      expect(await db.selectFrom('photos').select('id').execute()).toEqual([]);
      expect(await keptBodies()).toEqual([]);
      // The one photo of the day is still there to upload.
      await storeWith({ perDay: 1 }).save('u-worker01', PNG);
    });
  });

  describe('photo content', () => {
    it('stores a photo under the type its bytes say, and refuses HTML sent as an image', async () => {
      const store = storeWith();
      const { url } = await store.save('u-worker01', JPEG);
      expect(url).toMatch(/^\/api\/photos\/[0-9a-f-]{36}\.jpg$/);
      expect(await store.read(photoIdOf(url)!)).toEqual({ body: JPEG, contentType: 'image/jpeg' });
      await expect(store.save('u-worker01', HTML)).rejects.toThrow(
        'send a JPEG, PNG or WebP image as the request body',
      );
      expect(await keptBodies()).toHaveLength(1);
    });
  });

  describe('the upload quota', () => {
    it('counts a person’s photos over the last 24 hours', async () => {
      const store = storeWith({ perDay: 3 });
      for (let i = 0; i < 3; i++) await store.save('u-worker01', PNG);
      await expect(store.save('u-worker01', PNG)).rejects.toMatchObject({
        code: 'too_many_requests',
        message: 'too many photos uploaded in the last 24 hours',
      });
      // Someone else is not held back; a day later the first person may upload again.
      await store.save('u-worker02', PNG);
      clock += 24 * HOUR;
      await store.save('u-worker01', PNG);
    });

    it('and their bytes', async () => {
      const store = storeWith({ bytesPerDay: PNG.length * 2 + 10 });
      await store.save('u-worker01', PNG);
      await store.save('u-worker01', PNG);
      await expect(store.save('u-worker01', PNG)).rejects.toMatchObject({
        code: 'too_many_requests',
        message: 'too many photo bytes uploaded in the last 24 hours',
      });
    });
  });

  describe('the sweep', () => {
    it('removes uploads no case used once a day old, keeps used and fresh ones', async () => {
      const store = storeWith();
      const used = photoIdOf((await store.save('u-worker01', PNG)).url)!;
      const unused = photoIdOf((await store.save('u-worker01', PNG)).url)!;
      await recordPhotoUses(db, 'C-1', [{ data: { photos: [`/api/photos/${used}`] } }]);
      clock += 23 * HOUR;
      const fresh = photoIdOf((await store.save('u-worker01', PNG)).url)!;
      expect(await store.sweep()).toBe(0);

      clock += 2 * HOUR;
      expect(await store.sweep()).toBe(1);
      expect(await keptBodies()).toEqual([used, fresh].sort());
      expect(await findPhoto(db, unused)).toBeUndefined();
      expect(await store.read(used)).toBeDefined();
    });

    it.runIf(dialect === 'sqlite')(
      'removes old files that have no record (uploads from before records were kept), not new ones',
      async () => {
        const store = storeWith();
        await store.save('u-worker01', PNG);
        const old = '11111111-2222-4333-8444-555555555555.jpg';
        const recent = '66666666-7777-4888-8999-000000000000.png';
        await writeFile(join(dir, 'photos', old), JPEG);
        await writeFile(join(dir, 'photos', recent), PNG);
        await writeFile(join(dir, 'photos', 'notes.txt'), 'not a photo');
        const twoDaysAgo = new Date(clock - 48 * HOUR);
        await utimes(join(dir, 'photos', old), twoDaysAgo, twoDaysAgo);
        await utimes(join(dir, 'photos', 'notes.txt'), twoDaysAgo, twoDaysAgo);
        const anHourAgo = new Date(clock - HOUR);
        await utimes(join(dir, 'photos', recent), anHourAgo, anHourAgo);
        expect(await store.sweep()).toBe(1);
        const left = await readdir(join(dir, 'photos'));
        expect(left).not.toContain(old);
        expect(left).toContain(recent);
        expect(left).toContain('notes.txt');
      },
    );
  });

  // Two web nodes, each with its own data dir, on one PostgreSQL (decision 0028).
  describe.runIf(dialect === 'postgres')('on two nodes', () => {
    it("serves a photo uploaded through the other node, and one node's sweep removes it for both", async () => {
      const other = await openTestStateDbAgain(db, dialect);
      try {
        const nodeA = storeWith();
        const nodeB = createPhotoStore({ db: other, dir: join(dir, 'b', 'photos'), now: () => clock });
        const old = photoIdOf((await nodeA.save('u-worker01', JPEG)).url)!;
        expect(await nodeB.read(old)).toEqual({ body: JPEG, contentType: 'image/jpeg' });
        clock += 23 * HOUR;
        const fresh = photoIdOf((await nodeB.save('u-worker01', WEBP)).url)!;
        expect(await nodeA.read(fresh)).toEqual({ body: WEBP, contentType: 'image/webp' });

        clock += 2 * HOUR;
        expect(await nodeB.sweep()).toBe(1);
        expect(await nodeA.read(old)).toBeUndefined();
        expect(await rowsIn(db)).toEqual([fresh]);
        expect(await nodeA.read(fresh)).toBeDefined();
      } finally {
        await other.destroy();
      }
    });
  });
});
