import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { createHmac, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { StateDb } from './database';

/** The SQL function that seals audit rows and anchors with the audit key. */
export const AUDIT_MAC_FUNCTION = 'gridsense_audit_mac';

/** Shorter keys are refused: the key is all that stands between a copy of the database and a forged log. */
export const MIN_AUDIT_KEY_LENGTH = 32;

export function generateAuditKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The audit key in `<dir>/audit.key`, created at first start (0600 in a 0700 folder). Created under
 * a temporary name and linked into place, so services starting together agree on one key.
 */
export function loadOrCreateAuditKeyFile(dir: string): string {
  return loadOrCreateKeyFile(dir, 'audit.key');
}

/** A key in `<dir>/<name>`, created at first start the same way (the personal-data key too). */
export function loadOrCreateKeyFile(dir: string, name: string): string {
  const file = join(dir, name);
  try {
    return readAuditKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const draft = `${file}.${process.pid}.new`;
  const fd = openSync(draft, 'wx', 0o600);
  try {
    writeSync(fd, `${generateAuditKey()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  const folder = openSync(dir, 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
  return readAuditKeyFile(file);
}

function readAuditKeyFile(file: string): string {
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < MIN_AUDIT_KEY_LENGTH)
    throw new Error(`${file}: the key must be at least ${MIN_AUDIT_KEY_LENGTH} characters`);
  return key;
}

/**
 * Gives one SQLite connection the audit key as the SQL function
 * `gridsense_audit_mac(domain, ...fields)` = HMAC-SHA256(key, domain + "\n" + JSON of fields).
 *
 * Why a SQL function: `appendAudit(db, entries)` is called with the database or with any open
 * transaction, from many places. Every one of those handles runs on this connection, so the key
 * reaches them all without a new parameter, without a global, and without ever being written to
 * the database file. A copy of the file (or a tool opened on it) has no such function.
 */
export function registerAuditKey(sqlite: SQLite.Database, key: string): void {
  sqlite.function(
    AUDIT_MAC_FUNCTION,
    { varargs: true, deterministic: true, directOnly: true },
    (domain: unknown, ...fields: unknown[]) =>
      createHmac('sha256', key)
        .update(`${String(domain)}\n${JSON.stringify(fields)}`)
        .digest('hex'),
  );
}

/** The seal of `fields` under `domain`, computed by the connection that holds the key. */
export async function sealWithAuditKey(
  db: StateDb,
  domain: string,
  fields: readonly unknown[],
): Promise<string> {
  const args = sql.join([domain, ...fields].map((value) => sql`${value}`));
  const { rows } = await sql<{ mac: string }>`select ${sql.raw(AUDIT_MAC_FUNCTION)}(${args}) as mac`.execute(
    db,
  );
  return rows[0]!.mac;
}
