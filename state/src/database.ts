import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  generateAuditKey,
  loadOrCreateAuditKeyFile,
  loadOrCreateKeyFile,
  registerAuditKey,
} from './audit-key';
import { registerPersonalDataKey } from './personal-data-key';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type StateDb = Kysely<Database>;

/**
 * Opens (creating and migrating) the state database. `:memory:` gives a private one for tests.
 * The audit key is `auditKey` (GRIDSENSE_AUDIT_KEY) or the key file beside the database
 * (`keys/audit.key`; a fresh key each time for `:memory:`), held by the connection, never stored in it;
 * the personal-data key likewise (GRIDSENSE_DATA_KEY, `keys/personal-data.key`). `options` may be
 * the service's Config.
 */
export async function openStateDb(
  path: string,
  options: { auditKey?: string | undefined; personalDataKey?: string | undefined } = {},
): Promise<StateDb> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL: a committed case survives a process crash; only an OS crash can lose the last commit.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const fileKey = () =>
    path === ':memory:' ? generateAuditKey() : loadOrCreateAuditKeyFile(join(dirname(path), 'keys'));
  registerAuditKey(sqlite, options.auditKey ?? fileKey());
  // Hotline callers' names and numbers are sealed with a key of their own, kept the same way.
  const personalKey = () =>
    path === ':memory:'
      ? generateAuditKey()
      : loadOrCreateKeyFile(join(dirname(path), 'keys'), 'personal-data.key');
  registerPersonalDataKey(sqlite, options.personalDataKey ?? personalKey());
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}
