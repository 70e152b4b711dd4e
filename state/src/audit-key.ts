import type { Kysely } from 'kysely';
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
import { keysOf } from './state-keys';

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

/** HMAC-SHA256(key, domain + "\n" + JSON of fields): the seal of audit rows and anchors. */
export function auditMac(key: string, domain: string, fields: readonly unknown[]): string {
  return createHmac('sha256', key)
    .update(`${domain}\n${JSON.stringify(fields)}`)
    .digest('hex');
}

/**
 * The seal of `fields` under `domain` with the audit key held by `db` (`state-keys.ts`): any
 * handle or transaction from openStateDb, on either database. Computed here, not in SQL, so the
 * key never reaches the database and a copy of it cannot forge a row.
 */
export function sealWithAuditKey<DB>(
  db: Kysely<DB>,
  domain: string,
  fields: readonly unknown[],
): Promise<string> {
  return Promise.resolve(auditMac(keysOf(db).auditKey, domain, fields));
}
