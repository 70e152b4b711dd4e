import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** People's passwords: scrypt (slow on purpose, they may be guessable). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * Device secrets are 128-bit random values issued by the platform, so a fast salted SHA-256
 * is enough and keeps a reconnect storm of thousands of devices cheap.
 */
export function hashDeviceSecret(secret: string): string {
  const salt = randomBytes(8).toString('base64');
  return `sha256$${salt}$${createHash('sha256')
    .update(salt + secret)
    .digest('base64')}`;
}

export function verifyDeviceSecret(secret: string, stored: string): boolean {
  const [scheme, salt, digest] = stored.split('$');
  if (scheme !== 'sha256' || salt === undefined || !digest) return false;
  const actual = createHash('sha256')
    .update(salt + secret)
    .digest();
  const expected = Buffer.from(digest, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function generateSecret(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** Readable generated passwords (no look-alike characters) for people to type. */
export function generatePassword(length = 12): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
