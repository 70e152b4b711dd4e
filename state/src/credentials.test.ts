import { passwordProblems } from '@gridsense/core';
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dummyPasswordHash,
  generatePassword,
  hashPassword,
  passwordNeedsRehash,
  verifyPassword,
} from './credentials';

/** How a password was stored before the cost went into the hash: scrypt at Node's defaults (N=2^14). */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

describe('people’s passwords', () => {
  it('are hashed with scrypt at N=2^17, r=8, p=1, written into the hash', async () => {
    const stored = await hashPassword('Harbour-lights-7');
    expect(stored).toMatch(/^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('Harbour-lights-7', stored)).toBe(true);
    expect(await verifyPassword('harbour-lights-7', stored)).toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(false);
  });

  it('still verify hashes made before the cost was stored, and ask for them to be redone', async () => {
    const stored = legacyHash('test-password-1');
    expect(await verifyPassword('test-password-1', stored)).toBe(true);
    expect(await verifyPassword('test-password-2', stored)).toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(true);
  });

  it('refuse malformed hashes and absurd costs instead of computing them', async () => {
    for (const stored of [
      '',
      'sha256$a$b',
      'scrypt$',
      'scrypt$ln=30,r=8,p=1$c2FsdA==$a2V5',
      'scrypt$ln=17$x$y',
    ])
      expect(await verifyPassword('anything', stored)).toBe(false);
  });

  it('check an unknown name against a dummy hash of the same cost', async () => {
    const dummy = await dummyPasswordHash();
    expect(dummy).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect(passwordNeedsRehash(dummy)).toBe(false);
    expect(await dummyPasswordHash()).toBe(dummy);
  });

  it('are generated to meet the policy, never containing the username', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword('ab');
      expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
      expect(passwordProblems(password, 'ab')).toEqual([]);
    }
  });
});
