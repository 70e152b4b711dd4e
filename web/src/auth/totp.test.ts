import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32 } from './base32';
import { hotp, matchTotpStep, totpCode, totpStep, totpUri } from './totp';

// RFC 6238 appendix B, SHA-1 rows: the 20-byte ASCII secret "12345678901234567890".
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(RFC_VECTORS)('at %i s the 8-digit code is %s', (seconds, code) => {
    expect(hotp(RFC_SECRET, totpStep(seconds * 1000), 8)).toBe(code);
  });

  it.each(RFC_VECTORS)('at %i s the 6-digit code is the last six digits of %s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, totpStep(seconds * 1000))).toBe(code.slice(2));
  });

  it('accepts the step before and after now, not two away', () => {
    const now = 1111111111_000;
    const step = totpStep(now);
    expect(matchTotpStep(RFC_SECRET, totpCode(RFC_SECRET, step - 1), now, null)).toBe(step - 1);
    expect(matchTotpStep(RFC_SECRET, totpCode(RFC_SECRET, step + 1), now, null)).toBe(step + 1);
    expect(matchTotpStep(RFC_SECRET, totpCode(RFC_SECRET, step - 2), now, null)).toBeUndefined();
    expect(matchTotpStep(RFC_SECRET, totpCode(RFC_SECRET, step + 2), now, null)).toBeUndefined();
  });

  it('refuses a code of a step already used, or of an earlier one', () => {
    const now = 1111111111_000;
    const step = totpStep(now);
    const code = totpCode(RFC_SECRET, step);
    expect(matchTotpStep(RFC_SECRET, code, now, step)).toBeUndefined();
    expect(matchTotpStep(RFC_SECRET, totpCode(RFC_SECRET, step - 1), now, step - 1)).toBeUndefined();
    expect(matchTotpStep(RFC_SECRET, totpCode(RFC_SECRET, step + 1), now, step)).toBe(step + 1);
  });

  it.each(['', '12345', '1234567', 'abcdef', ' 123456'])('refuses %j as a code', (code) => {
    expect(matchTotpStep(RFC_SECRET, code, 59_000, null)).toBeUndefined();
  });

  it('puts the name, secret and issuer in the otpauth URI', () => {
    expect(totpUri('op 1', 'ABC')).toBe('otpauth://totp/GridSense:op%201?secret=ABC&issuer=GridSense');
  });
});

describe('base32 (RFC 4648)', () => {
  // RFC 4648 §10 vectors, without padding.
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%j is %j', (plain, encoded) => {
    expect(encodeBase32(Buffer.from(plain))).toBe(encoded);
    expect(decodeBase32(encoded)?.toString()).toBe(plain);
  });

  it('reads a secret typed with spaces, padding and lower case; refuses other letters', () => {
    expect(decodeBase32('mzxw 6ytb oi======')?.toString()).toBe('foobar');
    expect(decodeBase32('MZXW1')).toBeUndefined();
  });

  it('round-trips the RFC secret', () => {
    expect(decodeBase32(encodeBase32(RFC_SECRET))).toEqual(RFC_SECRET);
  });
});
