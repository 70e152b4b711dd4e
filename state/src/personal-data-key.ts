import type SQLite from 'better-sqlite3';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** SQL functions that seal and open personal data (hotline callers' names and phone numbers). */
export const SEAL_FUNCTION = 'gridsense_seal';
export const UNSEAL_FUNCTION = 'gridsense_unseal';

/** Sealed values start with this, so a migration can tell them from plain ones. */
export const SEALED_PREFIX = 'gs1:';

/**
 * Gives one SQLite connection the personal-data key as two SQL functions: `gridsense_seal(text)`
 * (AES-256-GCM, a fresh IV per value: `gs1:` + base64 of IV, tag and ciphertext) and
 * `gridsense_unseal(text)`. As with the audit key, the key lives in the connection, never in the
 * database file: a copy of the file shows only sealed values. NULL stays NULL; a value that is not
 * sealed is returned as it is (rows from before the migration that seals them).
 */
export function registerPersonalDataKey(sqlite: SQLite.Database, key: string): void {
  const aesKey = createHash('sha256').update(`gridsense personal data\n${key}`).digest();
  sqlite.function(SEAL_FUNCTION, { deterministic: false, directOnly: true }, (value: unknown) => {
    if (value === null || value === undefined) return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
    const body = Buffer.concat([cipher.update(String(value), 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  });
  sqlite.function(UNSEAL_FUNCTION, { deterministic: true, directOnly: true }, (value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith(SEALED_PREFIX)) return value ?? null;
    const raw = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', aesKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        'personal data cannot be opened: GRIDSENSE_DATA_KEY (or keys/personal-data.key) is not the key it was sealed with',
      );
    }
  });
}
