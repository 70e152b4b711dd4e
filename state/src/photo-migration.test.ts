import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { expect, it } from 'vitest';
import type { StateDb } from './database';
import { foundation } from './migrations/0001-foundation';
import { photos } from './migrations/0009-photos';
import { findPhoto, listPhotoCaseIds } from './photo.repository';

const A = '0b7c5a3e-9f1d-4c2a-8e6b-1d2f3a4b5c6d.jpg';
const B = '1c8d6b4f-0a2e-4d3b-9f7c-2e3a4b5c6d7e.png';

it('0009_photos records the photos timelines already use, with who attached them', async () => {
  const sqlite = new SQLite(':memory:');
  // Timeline rows alone are what this migration reads; their cases are beside the point.
  sqlite.pragma('foreign_keys = OFF');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) }) as unknown as StateDb;
  await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ '0001_foundation': foundation }) },
  }).migrateToLatest();
  const event = (caseId: string, actorId: string, at: number, data: unknown) => ({
    case_id: caseId,
    at,
    actor_id: actorId,
    actor_name: actorId,
    action: 'x',
    from_state: null,
    to_state: 'reported',
    note: null,
    data: data === null ? null : JSON.stringify(data),
  });
  await db
    .insertInto('case_events')
    .values([
      event('C-1', 'u-worker01', 1000, { photos: [`/api/photos/${A}`], location: { lat: 30, lng: 120 } }),
      event('C-1', 'u-worker01', 2000, { photos: [`/api/photos/${B}`, 'https://cam.example/1.jpg'] }),
      event('C-2', 'u-worker02', 3000, { kind: 'patrol', snapshot: `/api/photos/${A}` }),
      event('C-3', 'system', 4000, { snapshot: 'https://cam.example/snap/7.jpg' }),
      event('C-3', 'system', 5000, null),
    ] as never)
    .execute();

  await photos.up(db as unknown as Kysely<unknown>);

  expect(await findPhoto(db, A)).toEqual({
    id: A,
    uploaderId: 'u-worker01',
    contentType: 'image/jpeg',
    bytes: 0,
    createdAt: 1000,
  });
  expect((await findPhoto(db, B))?.contentType).toBe('image/png');
  expect((await listPhotoCaseIds(db, A)).sort()).toEqual(['C-1', 'C-2']);
  expect(await listPhotoCaseIds(db, B)).toEqual(['C-1']);
  expect(await db.selectFrom('photos').select('id').execute()).toHaveLength(2);
});
