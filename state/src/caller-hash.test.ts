import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { callerHash, normalizePhone } from './caller-hash';
import { migrationProvider } from './migrations';
import { listOpenCasesOfSameCaller } from './merge-candidate.repository';
import { personalData } from './personal-data-key';
import { openTestStateDb, stateDialects, TEST_STATE_KEYS } from './testing/state-db-fixture';

describe('normalizePhone', () => {
  it.each([
    ['13900001111', '13900001111'],
    ['139 0000 1111', '13900001111'],
    ['139-0000-1111', '13900001111'],
    ['+8613900001111', '13900001111'],
    ['008613900001111', '13900001111'],
    // A landline keeps its area code; 86 in front of anything but a mobile is left alone.
    ['0571-87654321', '057187654321'],
    ['86123', '86123'],
  ])('%s → %s', (phone, normal) => {
    expect(normalizePhone(phone)).toBe(normal);
  });
});

describe.each(stateDialects())('the caller hash on %s', (dialect) => {
  it('is the same for one number however typed, differs between numbers and between keys', async () => {
    const db = await openTestStateDb(dialect);
    const other = await openTestStateDb(dialect, {
      keys: { ...TEST_STATE_KEYS, personalDataKey: 'q'.repeat(43) },
    });
    try {
      expect(callerHash(db, '+86 139-0000-1111')).toBe(callerHash(db, '13900001111'));
      expect(callerHash(db, '13900001112')).not.toBe(callerHash(db, '13900001111'));
      expect(callerHash(other, '13900001111')).not.toBe(callerHash(db, '13900001111'));
      expect(callerHash(db, '13900001111')).not.toContain('1390000');
    } finally {
      await Promise.all([db.destroy(), other.destroy()]);
    }
  });

  it('migration 0034 hashes the callers stored before it, so their earlier cases are found', async () => {
    const db = await openTestStateDb(dialect);
    try {
      const names = Object.keys(await migrationProvider.getMigrations()).sort();
      const before = names[names.indexOf('0034_caller_hash') - 1]!;
      const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider });
      expect((await migrator.migrateTo(before)).error).toBeUndefined();

      // Two cases with one caller, stored as they were before: the number sealed, no hash.
      const old = db as unknown as Kysely<{
        regions: { id: string; level: string; parent_id: null; name: string; boundary: null };
        cases: Record<string, unknown>;
        case_requesters: { case_id: string; name: string; phone: string; created_at: number };
      }>;
      await old
        .insertInto('regions')
        .values({ id: 'G1', level: 'grid', parent_id: null, name: '第1网格', boundary: null })
        .execute();
      const row = (id: string, openedAt: number) => ({
        id,
        title: '楼道堆物',
        category: 'fire_safety',
        severity: 'warning',
        source: 'hotline',
        state: 'dispatched',
        grid_id: 'G1',
        return_count: 0,
        occurrences: 1,
        risk_active: 0,
        opened_at: openedAt,
        updated_at: openedAt,
      });
      await old
        .insertInto('cases')
        .values([row('C-1', 1000), row('C-2', 2000)])
        .execute();
      const sealed = personalData(db);
      for (const [caseId, phone] of [
        ['C-1', '13900001111'],
        ['C-2', '139 0000 1111'],
      ] as const)
        await old
          .insertInto('case_requesters')
          .values({ case_id: caseId, name: sealed.seal('李四'), phone: sealed.seal(phone), created_at: 1 })
          .execute();

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect((await listOpenCasesOfSameCaller(db, 'C-2')).map((c) => c.id)).toEqual(['C-1']);
      const hashes = await db.selectFrom('case_requesters').select('phone_hash').orderBy('id').execute();
      expect(hashes.map((h) => h.phone_hash)).toEqual([
        callerHash(db, '13900001111'),
        callerHash(db, '13900001111'),
      ]);
    } finally {
      await db.destroy();
    }
  });
});
