import type { Kysely } from 'kysely';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { keysOf } from './state-keys';

/** Sealed values start with this, so a migration can tell them from plain ones. */
export const SEALED_PREFIX = 'gs1:';

export interface PersonalDataCipher {
  seal(value: string): string;
  seal(value: string | null): string | null;
  open(value: string): string;
  open(value: string | null): string | null;
}

/**
 * Seals and opens personal data (hotline callers' names and numbers, work phones, TOTP secrets)
 * with the personal-data key: AES-256-GCM, a fresh IV per value, `gs1:` + base64 of IV, tag and
 * ciphertext. Done in the service, not in SQL: the key lives in the process that opened the
 * database, never in the database, so a copy of it (or a dump) shows only sealed values. NULL
 * stays NULL; a value that is not sealed is returned as it is (rows from before the migration
 * that seals them).
 */
export function personalDataCipher(key: string): PersonalDataCipher {
  const aesKey = createHash('sha256').update(`gridsense personal data\n${key}`).digest();
  const seal = (value: string | null) => {
    if (value === null) return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  };
  const open = (value: string | null) => {
    if (value === null || !value.startsWith(SEALED_PREFIX)) return value;
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
  };
  return { seal, open } as PersonalDataCipher;
}

/** The cipher of the keys held by `db` (a handle from openStateDb, or a transaction on it). */
export function personalData<DB>(db: Kysely<DB>): PersonalDataCipher {
  return personalDataCipher(keysOf(db).personalDataKey);
}
