import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresTestMode } from '../../../tests/src/harness/postgres';
import { openStateDb } from '../database';
import { readPhotoBody } from '../photo-body.repository';
import { findPhoto, recordPhotoUpload } from '../photo.repository';
import { openTestStateDb, TEST_STATE_KEYS } from '../testing/state-db-fixture';
import { copyStateToPostgres } from './copy-state';
import { openSqliteReadOnly } from './sqlite-source';

const dir = mkdtempSync(join(tmpdir(), 'gridsense-photo-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEPT = '0b7c5a3e-9f1d-4c2a-8e6b-1d2f3a4b5c6d.jpg';
const LOST = '1c8d6b4f-0a2e-4d3b-9f7c-2e3a4b5c6d7e.png';
const UNRECORDED = '2d9e7c5a-1b3f-4e4c-8a8d-3f4a5b6c7d8e.jpg';
const QUOTA = { perDay: 10, bytesPerDay: 1 << 30 };

describe.skipIf(postgresTestMode() === 'skip')('the state move and photo files (decision 0028)', () => {
  it('brings the file of every photo record into photo_bodies, and counts records without one', async () => {
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    const kept = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 7)]);
    const db = await openStateDb(join(dir, 'state.db'), TEST_STATE_KEYS);
    for (const id of [KEPT, LOST])
      await recordPhotoUpload(
        db,
        { id, uploaderId: 'u-worker01', contentType: 'image/jpeg', bytes: 10, createdAt: 1000 },
        QUOTA,
      );
    await db.destroy();
    writeFileSync(join(photos, KEPT), kept);
    // A file the sweep would remove (no record) is not state, and stays behind.
    writeFileSync(join(photos, UNRECORDED), kept);

    const source = openSqliteReadOnly(join(dir, 'state.db'), TEST_STATE_KEYS);
    const target = await openTestStateDb('postgres');
    try {
      const lines: string[] = [];
      const result = await copyStateToPostgres(source, target, {
        anchorFile: join(dir, 'no-anchors.log'),
        progress: (line) => lines.push(line),
        photosDir: photos,
      });
      expect(result.photoFiles).toEqual({ copied: 1, missing: 1 });
      expect(lines).toContain('  photo files: 1 into photo_bodies, 1 records without a file');
      expect((await readPhotoBody(target, KEPT))?.equals(kept)).toBe(true);
      expect(await readPhotoBody(target, LOST)).toBeUndefined();
      expect(await readPhotoBody(target, UNRECORDED)).toBeUndefined();
      // The records themselves came with the tables.
      expect(await findPhoto(target, LOST)).toMatchObject({ uploaderId: 'u-worker01' });
    } finally {
      await source.destroy();
      await target.destroy();
    }
  });
});
