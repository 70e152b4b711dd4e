import { DEFAULT_LOCALE, isLocale, type Locale } from '@gridsense/core';
import type { StateDb } from './database';

/** Each person's language for what is sent to them; anyone without a choice (or unknown) reads the default. */
export async function findPersonLocales(db: StateDb, ids: readonly string[]): Promise<Map<string, Locale>> {
  const locales = new Map<string, Locale>(ids.map((id) => [id, DEFAULT_LOCALE]));
  if (ids.length === 0) return locales;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'locale'])
    .where('id', 'in', [...ids])
    .execute();
  for (const row of rows) if (isLocale(row.locale)) locales.set(row.id, row.locale);
  return locales;
}

/** A person's own choice (the console's language switch); not audited, like a display setting. */
export async function setPersonLocale(db: StateDb, id: string, locale: Locale): Promise<void> {
  await db.updateTable('users').set({ locale }).where('id', '=', id).execute();
}
