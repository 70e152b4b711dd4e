import type { Config } from '@gridsense/core';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Which time-series store a data dir serves: the embedded one in it, or one InfluxDB database. */
export type StoreIdentity = { kind: 'embedded' } | { kind: 'influx'; url: string; database: string };

/** What the data dir remembers: the store, and since when (ISO time) it serves it. */
export type RememberedStore = StoreIdentity & { since: string };

export const REMEMBERED_STORE_FILE = 'timeseries-store.json';
export const EMBEDDED_STORE_FILE = 'timeseries.db';

/**
 * An InfluxDB URL as remembered and compared: no user, password, query or trailing slash (a
 * path prefix behind a reverse proxy is kept). Credentials never reach the data dir.
 */
export function influxLocation(raw: string): string {
  const url = new URL(raw);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The store the settings describe. */
export function configuredStore(config: Pick<Config, 'influxUrl' | 'influxDatabase'>): StoreIdentity {
  return config.influxUrl
    ? { kind: 'influx', url: influxLocation(config.influxUrl), database: config.influxDatabase }
    : { kind: 'embedded' };
}

export function sameStore(a: StoreIdentity, b: StoreIdentity): boolean {
  if (a.kind === 'embedded' || b.kind === 'embedded') return a.kind === b.kind;
  return a.url === b.url && a.database === b.database;
}

export function describeStore(store: StoreIdentity, dataDir: string): string {
  return store.kind === 'embedded'
    ? `the embedded store (${join(dataDir, EMBEDDED_STORE_FILE)})`
    : `InfluxDB at ${store.url}, database "${store.database}"`;
}

/** The settings that select a store, as an operator would type them. */
export function settingsOf(store: StoreIdentity): string {
  return store.kind === 'embedded'
    ? 'INFLUX_URL unset'
    : `INFLUX_URL=${store.url} INFLUX_DATABASE=${store.database}`;
}

/** undefined when the data dir has never recorded one (a first start, or one before this file existed). */
export async function readRememberedStore(dataDir: string): Promise<RememberedStore | undefined> {
  const file = join(dataDir, REMEMBERED_STORE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = parseRemembered(text);
  if (!parsed)
    throw new Error(
      `${file} does not say which time-series store this data dir serves; restore it, or delete it ` +
        'to have the next start record the configured store',
    );
  return parsed;
}

function parseRemembered(text: string): RememberedStore | undefined {
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>;
    const since = typeof value.since === 'string' ? value.since : 'an unknown time';
    if (value.kind === 'embedded') return { kind: 'embedded', since };
    if (value.kind === 'influx' && typeof value.url === 'string' && typeof value.database === 'string')
      return { kind: 'influx', url: value.url, database: value.database, since };
  } catch {
    // Not JSON: reported by the caller.
  }
  return undefined;
}

/** Records the store the data dir serves from now on: owner-only, replaced atomically. */
export async function rememberStore(dataDir: string, store: StoreIdentity, now: number): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, REMEMBERED_STORE_FILE);
  const record: RememberedStore = { ...store, since: new Date(now).toISOString() };
  await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await chmod(`${file}.tmp`, 0o600); // a leftover .tmp keeps its old mode through writeFile
  await rename(`${file}.tmp`, file);
}
