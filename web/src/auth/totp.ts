import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32 } from './base32';

/** RFC 6238 as authenticator apps use it: 30-second steps, 6 digits, HMAC-SHA1. */
export const TOTP_STEP_MS = 30_000;
export const TOTP_DIGITS = 6;
/** A code of the step before or after is accepted too (clocks drift, people type slowly). */
export const TOTP_TOLERANCE_STEPS = 1;

/** The step a moment falls in (RFC 6238's T, with T0 = 0). */
export const totpStep = (nowMs: number): number => Math.floor(nowMs / TOTP_STEP_MS);

/** The RFC 4226 HOTP value of one counter, `digits` long with leading zeros. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const totpCode = (secret: Buffer, step: number): string => hotp(secret, step);

/** 160 random bits (RFC 4226's recommended length), base32 for the authenticator app. */
export const newTotpSecret = (): string => encodeBase32(randomBytes(20));

/**
 * The step whose code this is, within the tolerance around now and later than `lastUsedStep`
 * (a code once accepted is refused again, RFC 6238 §5.2); undefined if none matches.
 */
export function matchTotpStep(
  secret: Buffer,
  code: string,
  nowMs: number,
  lastUsedStep: number | null,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = totpStep(nowMs);
  for (let step = now - TOTP_TOLERANCE_STEPS; step <= now + TOTP_TOLERANCE_STEPS; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (timingSafeEqual(Buffer.from(totpCode(secret, step)), Buffer.from(code))) return step;
  }
  return undefined;
}

/** What the QR code holds: the label and issuer authenticator apps show, and the secret. */
export function totpUri(username: string, secret: string): string {
  return `otpauth://totp/GridSense:${encodeURIComponent(username)}?secret=${secret}&issuer=GridSense`;
}
