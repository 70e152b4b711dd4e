import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendAudit, listAudit, verifyAuditChain } from './audit.repository';
import { dialectOf } from './dialect';
import { openTestStateDb, openTestStateDbAgain, stateDialects } from './testing/state-db-fixture';

describe.each(stateDialects())('the state database on %s', (dialect) => {
  it('migrates to the latest schema and says which database it is', async () => {
    const db = await openTestStateDb(dialect);
    try {
      expect(dialectOf(db)).toBe(dialect);
      const applied = await db
        .selectFrom('kysely_migration' as never)
        .select(sql<string>`name`.as('name'))
        .execute();
      expect(applied.map((m) => m.name)).toContain('0018_notification_read');
    } finally {
      await db.destroy();
    }
  });

  it('gives epoch-ms timestamps and counts back as numbers', async () => {
    const db = await openTestStateDb(dialect);
    try {
      await db
        .insertInto('regions')
        .values({ id: 'G1', level: 'grid', parent_id: null, name: '第1网格', boundary: null })
        .execute();
      const at = 1_795_300_000_123;
      await db
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'u1',
          display_name: '张三',
          role: 'grid_worker',
          region_id: 'G1',
          password_hash: 'x',
          created_at: at,
          password_changed_at: at,
        } as never)
        .execute();
      const user = await db
        .selectFrom('users')
        .select(['created_at', 'password_changed_at'])
        .executeTakeFirstOrThrow();
      expect(user).toEqual({ created_at: at, password_changed_at: at });
      const { n } = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(n).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it('keeps the audit log append-only and its chain verifiable', async () => {
    const db = await openTestStateDb(dialect);
    try {
      const entry = (n: number) => ({
        at: 1_795_300_000_000 + n,
        actorId: 'u-admin',
        actorName: '管理员',
        action: 'admin.test',
        entityType: 'region',
        entityId: `G${n}`,
        data: { n },
      });
      await appendAudit(db, [entry(1), entry(2)]);
      await appendAudit(db, [entry(3)]);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3 });
      expect((await listAudit(db, { limit: 10 })).map((e) => e.seq)).toEqual([1, 2, 3]);
      await expect(db.updateTable('audit_log').set({ actor_name: 'x' }).execute()).rejects.toThrow(
        /audit_log is append-only/,
      );
      await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/audit_log is append-only/);
      await expect(db.deleteFrom('audit_chain_start').execute()).rejects.toThrow(
        /audit_chain_start is append-only/,
      );
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3 });
    } finally {
      await db.destroy();
    }
  });

  it('lists the audit entries a region may read, placed by the JSON they carry', async () => {
    const db = await openTestStateDb(dialect);
    try {
      const change = (entityType: string, entityId: string, data: unknown) => ({
        at: 1_795_300_000_000,
        actorId: 'u-admin',
        actorName: '管理员',
        action: 'admin.test',
        entityType,
        entityId,
        data,
      });
      await appendAudit(db, [
        change('dispatch_rule', 'in-r1', { regionId: 'R1' }),
        change('dispatch_rule', 'in-r2', { regionId: 'R2' }),
        change('rule', 'only-r1', { rule: { scope: { regionIds: ['R1'] } } }),
        change('rule', 'r1-and-r2', { rule: { scope: { regionIds: ['R1', 'R2'] } } }),
        change('rule', 'everywhere', { rule: { scope: {} } }),
      ]);
      const seen = await listAudit(db, { limit: 10, scope: { regionIds: ['R1'], gridIds: [] } });
      expect(seen.map((e) => e.entityId)).toEqual(['in-r1', 'only-r1']);
    } finally {
      await db.destroy();
    }
  });

  // Several processes of one service share PostgreSQL; SQLite serves one process (one writer).
  it.runIf(dialect === 'postgres')('keeps one audit chain when two processes append at once', async () => {
    const first = await openTestStateDb(dialect);
    const second = await openTestStateDbAgain(first, dialect);
    try {
      const entry = (writer: string, n: number) => ({
        at: 1_795_300_000_000 + n,
        actorId: writer,
        actorName: writer,
        action: 'admin.test',
        entityType: 'region',
        entityId: `G${n}`,
        data: { n },
      });
      const appends = (db: typeof first, writer: string) =>
        Array.from({ length: 20 }, (_, n) => appendAudit(db, [entry(writer, n), entry(writer, n + 100)]));
      await Promise.all([...appends(first, 'a'), ...appends(second, 'b')]);
      expect(await verifyAuditChain(first)).toMatchObject({ ok: true, checked: 80 });
      const entries = await listAudit(second, { limit: 100 });
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      expect(entries.filter((e) => e.actorId === 'a')).toHaveLength(40);
    } finally {
      await second.destroy();
      await first.destroy();
    }
  });
});
