import { describe, expect, it } from 'vitest';
import { SessionTokens } from './session-tokens';

describe('session tokens', () => {
  const tokens = new SessionTokens('test-key', 1000);
  const token = tokens.issue('u-worker01', 'scrypt$old', 0);

  it('name their user and hold until they expire', () => {
    expect(tokens.claimedUserId(token)).toBe('u-worker01');
    expect(tokens.verify(token, 'scrypt$old', 999)).toBe(true);
    expect(tokens.verify(token, 'scrypt$old', 1000)).toBe(false);
  });

  it('stop working once the password hash changes', () => {
    expect(tokens.verify(token, 'scrypt$new', 0)).toBe(false);
    expect(tokens.verify(tokens.issue('u-worker01', 'scrypt$new', 0), 'scrypt$new', 0)).toBe(true);
  });

  it('refuse another key, another user or a malformed token', () => {
    expect(new SessionTokens('other-key', 1000).verify(token, 'scrypt$old', 0)).toBe(false);
    const [, expires, signature] = token.split('.');
    const forged = `${Buffer.from('u-admin').toString('base64url')}.${expires}.${signature}`;
    expect(tokens.verify(forged, 'scrypt$old', 0)).toBe(false);
    expect(tokens.claimedUserId('not-a-token')).toBeUndefined();
    expect(tokens.verify('not-a-token', 'scrypt$old', 0)).toBe(false);
  });
});
