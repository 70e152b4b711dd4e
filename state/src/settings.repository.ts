import type { StateDb } from './database';
import { generateSecret } from './credentials';

export async function getSetting(db: StateDb, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: StateDb, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** A secret generated at first use and kept in the database, never in the repository. */
export async function getOrCreateSecret(db: StateDb, key: string): Promise<string> {
  const existing = await getSetting(db, key);
  if (existing) return existing;
  await db
    .insertInto('settings')
    .values({ key, value: generateSecret(32) })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return (await getSetting(db, key))!;
}
