import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresTestMode } from '../../../tests/src/harness/postgres';
import { appendAudit, GENESIS_HASH, verifyAuditChain, type AuditInput } from '../audit.repository';
import { openStateDb, type StateDb } from '../database';
import { migrationProvider } from '../migrations';
import { openTestStateDb, TEST_STATE_KEYS } from '../testing/state-db-fixture';
import { copyStateToPostgres } from './copy-state';
import { openSqliteReadOnly } from './sqlite-source';

const dir = mkdtempSync(join(tmpdir(), 'gridsense-copy-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (n: number): AuditInput => ({
  at: 1_700_000_000_000 + n,
  actorId: 'u-admin',
  actorName: '管理员',
  action: 'admin.test',
  entityType: 'region',
  entityId: `G${n}`,
  data: { n },
});

/**
 * A state.db whose audit log began before the audit key (migration 0008): two rows of the plain
 * SHA-256 chain, so its keyed chain starts at 3, where a freshly migrated PostgreSQL says 1.
 */
async function stateWithUnkeyedStart(path: string): Promise<void> {
  const all = await migrationProvider.getMigrations();
  const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0008'));
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(before) },
  }).migrateToLatest();
  if (error) throw error;
  let prev = GENESIS_HASH;
  for (const seq of [1, 2]) {
    const e = entry(seq);
    const row = {
      seq,
      at: e.at,
      actor_id: e.actorId,
      actor_name: e.actorName,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      data: JSON.stringify(e.data),
      prev_hash: prev,
    };
    const fields = [seq, row.at, row.actor_id, row.actor_name, row.action, 'region', row.entity_id, row.data];
    const hash = createHash('sha256')
      .update(`${prev}\n${JSON.stringify(fields)}`)
      .digest('hex');
    await (db as unknown as StateDb)
      .insertInto('audit_log')
      .values({ ...row, hash })
      .execute();
    prev = hash;
  }
  await db.destroy();
}

describe.skipIf(postgresTestMode() === 'skip')('copyStateToPostgres', () => {
  it('takes the start of the keyed chain from state.db and copies past one insert chunk', async () => {
    const path = join(dir, 'state.db');
    await stateWithUnkeyedStart(path);
    const db = await openStateDb(path, TEST_STATE_KEYS);
    // More rows than one chunk of inserts holds (500), so the copy pages through the table.
    await appendAudit(
      db,
      Array.from({ length: 1_200 }, (_, i) => entry(i + 3)),
    );
    await db.destroy();

    const source = openSqliteReadOnly(path, TEST_STATE_KEYS);
    const target = await openTestStateDb('postgres');
    try {
      expect(await target.selectFrom('audit_chain_start').selectAll().execute()).toEqual([
        { hmac_from_seq: 1 },
      ]);
      const lines: string[] = [];
      const result = await copyStateToPostgres(source, target, {
        anchorFile: join(dir, 'no-anchors.log'),
        progress: (line) => lines.push(line),
      });
      expect(result.auditEntries).toBe(1_202);
      expect(lines).toContain('  audit_log: 1,202 rows');
      expect(await target.selectFrom('audit_chain_start').selectAll().execute()).toEqual([
        { hmac_from_seq: 3 },
      ]);
      expect(await verifyAuditChain(target)).toMatchObject({ ok: true, checked: 1_202 });
      // The row is append-only again after the copy.
      await expect(
        target.updateTable('audit_chain_start').set({ hmac_from_seq: 1 }).execute(),
      ).rejects.toThrow(/append-only/);
    } finally {
      await source.destroy();
      await target.destroy();
    }
  });
});
