import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { registerPersonalDataKey, SEALED_PREFIX } from './personal-data-key';

const connection = (key: string) => {
  const db = new SQLite(':memory:');
  registerPersonalDataKey(db, key);
  return db;
};
const one = (db: SQLite.Database, query: string, ...args: unknown[]) =>
  (db.prepare(`select ${query} as v`).get(...args) as { v: unknown }).v;

describe('the personal-data key', () => {
  const db = connection('a'.repeat(32));

  it('seals each value afresh and opens it again', () => {
    const first = one(db, 'gridsense_seal(?)', '13600001234') as string;
    const second = one(db, 'gridsense_seal(?)', '13600001234') as string;
    expect(first.startsWith(SEALED_PREFIX)).toBe(true);
    expect(first).not.toContain('13600001234');
    expect(first).not.toBe(second);
    expect(one(db, 'gridsense_unseal(?)', first)).toBe('13600001234');
    expect(one(db, 'gridsense_unseal(gridsense_seal(?))', '孙丽')).toBe('孙丽');
  });

  it('passes NULL and values sealed before the key existed through', () => {
    expect(one(db, 'gridsense_seal(?)', null)).toBeNull();
    expect(one(db, 'gridsense_unseal(?)', '13600001234')).toBe('13600001234');
  });

  it('refuses, naming the setting, to open a value sealed with another key', () => {
    const sealed = one(db, 'gridsense_seal(?)', '13600001234');
    expect(() => one(connection('b'.repeat(32)), 'gridsense_unseal(?)', sealed)).toThrow(
      /GRIDSENSE_DATA_KEY/,
    );
    const tampered = `${(sealed as string).slice(0, -4)}AAAA`;
    expect(() => one(db, 'gridsense_unseal(?)', tampered)).toThrow(/cannot be opened/);
  });
});
