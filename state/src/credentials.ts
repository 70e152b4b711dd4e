import { passwordProblems } from '@gridsense/core';
import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

/** scrypt cost: 2^17 × 8 needs 128 MiB and ~0.1–0.5 s per hash, on purpose (OWASP's minimum). */
interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}
export const PASSWORD_SCRYPT_COST: ScryptCost = { log2N: 17, r: 8, p: 1 };
/** What `scrypt$salt$key` hashes (before the cost was written into the hash) used: Node's defaults. */
const LEGACY_COST: ScryptCost = { log2N: 14, r: 8, p: 1 };
const KEY_BYTES = 32;
/**
 * Hashes run at most this many at a time: each holds 128 MiB, and they run on libuv's small
 * thread pool, which file writes (the ingest spool) share.
 */
const HASHING_AT_ONCE = 2;

let hashing = 0;
const waiting: (() => void)[] = [];

async function scryptLimited(password: BinaryLike, salt: Buffer, keylen: number, cost: ScryptCost) {
  if (hashing >= HASHING_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  hashing++;
  try {
    const N = 2 ** cost.log2N;
    // Node refuses scrypt above 32 MiB unless told; the need is 128 × N × r bytes.
    const options = { N, r: cost.r, p: cost.p, maxmem: 2 * 128 * N * cost.r };
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
    );
  } finally {
    hashing--;
    waiting.shift()?.();
  }
}

/** `scrypt$ln=17,r=8,p=1$salt$key`: the cost travels with the hash, so it can be raised later. */
function formatHash(cost: ScryptCost, salt: Buffer, key: Buffer): string {
  const params = `ln=${cost.log2N},r=${cost.r},p=${cost.p}`;
  return `scrypt$${params}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  if (parts.length === 3 && parts[1] && parts[2])
    return { cost: LEGACY_COST, salt: Buffer.from(parts[1], 'base64'), key: Buffer.from(parts[2], 'base64') };
  const params = /^ln=(\d+),r=(\d+),p=(\d+)$/.exec(parts[1] ?? '');
  if (parts.length !== 4 || !params || !parts[2] || !parts[3]) return undefined;
  const [log2N, r, p] = params.slice(1).map(Number) as [number, number, number];
  // A stored hash is trusted data, but a corrupt cost must not allocate gigabytes.
  if (log2N < 10 || log2N > 20 || r < 1 || r > 16 || p < 1 || p > 4) return undefined;
  return {
    cost: { log2N, r, p },
    salt: Buffer.from(parts[2], 'base64'),
    key: Buffer.from(parts[3], 'base64'),
  };
}

/** People's passwords: scrypt (slow on purpose, they may be guessable). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(
    PASSWORD_SCRYPT_COST,
    salt,
    await scryptLimited(password, salt, KEY_BYTES, PASSWORD_SCRYPT_COST),
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length === 0) return false;
  const actual = await scryptLimited(password, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(actual, parsed.key);
}

/** True for a hash made at a lower cost than today's: rehash it at the next successful sign-in. */
export function passwordNeedsRehash(stored: string): boolean {
  const cost = parseHash(stored)?.cost;
  return (
    !cost ||
    cost.log2N !== PASSWORD_SCRYPT_COST.log2N ||
    cost.r !== PASSWORD_SCRYPT_COST.r ||
    cost.p !== PASSWORD_SCRYPT_COST.p
  );
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password at today's cost: checked against when a username is unknown, so
 * an unknown name takes as long to refuse as a wrong password does.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64')).catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  return dummyHash;
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

const READABLE = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * Readable generated passwords (no look-alike characters) for people to type, drawn again until
 * they meet the password policy for `username` (lower, upper and digits; not the username).
 */
export function generatePassword(username: string, length = 12): string {
  for (;;) {
    // 55 letters: the bytes 220–255 would favour the first ones, so they are skipped.
    const bytes = [...randomBytes(length * 2)].filter((b) => b < 220).slice(0, length);
    if (bytes.length < length) continue;
    const password = bytes.map((b) => READABLE[b % READABLE.length]).join('');
    if (passwordProblems(password, username).length === 0) return password;
  }
}
