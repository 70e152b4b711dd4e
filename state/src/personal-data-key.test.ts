import { describe, expect, it } from 'vitest';
import { personalDataCipher, SEALED_PREFIX } from './personal-data-key';

describe('the personal-data key', () => {
  const cipher = personalDataCipher('a'.repeat(32));

  it('seals each value afresh and opens it again', () => {
    const first = cipher.seal('13600001234');
    const second = cipher.seal('13600001234');
    expect(first.startsWith(SEALED_PREFIX)).toBe(true);
    expect(first).not.toContain('13600001234');
    expect(first).not.toBe(second);
    expect(cipher.open(first)).toBe('13600001234');
    expect(cipher.open(cipher.seal('孙丽'))).toBe('孙丽');
  });

  it('passes NULL and values sealed before the key existed through', () => {
    expect(cipher.seal(null)).toBeNull();
    expect(cipher.open('13600001234')).toBe('13600001234');
  });

  it('refuses, naming the setting, to open a value sealed with another key', () => {
    const sealed = cipher.seal('13600001234');
    expect(() => personalDataCipher('b'.repeat(32)).open(sealed)).toThrow(/GRIDSENSE_DATA_KEY/);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => cipher.open(tampered)).toThrow(/cannot be opened/);
  });
});
