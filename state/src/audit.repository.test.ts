import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { anchorAuditHead, readAuditAnchors, startAuditAnchoring } from './audit-anchor';
import { appendAudit, GENESIS_HASH, listAudit, verifyAuditChain, type AuditInput } from './audit.repository';
import { openStateDb, type StateDb } from './database';
import { foundation } from './migrations/0001-foundation';
import { ingest } from './migrations/0002-ingest';
import { rules } from './migrations/0003-rules';
import { cases } from './migrations/0004-cases';
import { deviceAdmin } from './migrations/0005-device-admin';
import { peopleAdmin } from './migrations/0006-people-admin';

const KEY = 'k'.repeat(43);
const dirs: string[] = [];
const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gridsense-audit-'));
  dirs.push(dir);
  return dir;
}

async function openDb(path: string, options: { auditKey?: string } = {}): Promise<StateDb> {
  const db = await openStateDb(path, options);
  open.push(db);
  return db;
}

const entry = (n: number): AuditInput => ({
  at: 1_700_000_000_000 + n,
  actorId: 'u-admin',
  actorName: '管理员',
  action: 'admin.test',
  entityType: 'region',
  entityId: `G${n}`,
  data: { n },
});
const entries = (from: number, count: number) => Array.from({ length: count }, (_, i) => entry(from + i));

/** An attacker with the database file: plain SQL, no audit key, the guard triggers dropped. */
function asAttacker(path: string): SQLite.Database {
  const raw = new SQLite(path);
  raw.exec('drop trigger if exists audit_log_no_update; drop trigger if exists audit_log_no_delete;');
  return raw;
}

describe('the audit key', () => {
  it('is created at first start in <dir>/keys/audit.key, 0600 in a 0700 folder, and reused after', async () => {
    const dir = tempDir();
    const db = await openDb(join(dir, 'state.db'));
    await appendAudit(db, entries(1, 3));
    const keyFile = join(dir, 'keys', 'audit.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'state.db')).includes(Buffer.from(key))).toBe(false);
    await db.destroy();
    open.pop();

    const again = await openDb(join(dir, 'state.db'));
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect(await verifyAuditChain(again)).toMatchObject({ ok: true, checked: 3 });
  });

  it('comes from the setting when given (no key file), and a chain sealed with one key fails under another', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const db = await openDb(path, { auditKey: KEY });
    await appendAudit(db, entries(1, 3));
    expect(existsSync(join(dir, 'keys', 'audit.key'))).toBe(false);
    await db.destroy();
    open.pop();

    expect(await verifyAuditChain(await openDb(path, { auditKey: KEY }))).toMatchObject({ ok: true });
    expect(await verifyAuditChain(await openDb(path, { auditKey: 'x'.repeat(43) }))).toMatchObject({
      ok: false,
      brokenAt: 1,
      reason: 'content does not match its hash',
    });
  });

  it('seals rows as HMAC-SHA256 of the previous hash and the row, not a hash anyone can recompute', async () => {
    const db = await openDb(':memory:', { auditKey: KEY });
    await appendAudit(db, [entry(1)]);
    const [row] = await listAudit(db, { limit: 1 });
    const body = JSON.stringify([1, row!.at, 'u-admin', '管理员', 'admin.test', 'region', 'G1', '{"n":1}']);
    expect(row!.hash).toBe(createHmac('sha256', KEY).update(`${GENESIS_HASH}\n${body}`).digest('hex'));
    expect(row!.hash).not.toBe(createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex'));
  });
});

describe('appending', () => {
  it('keeps one chain when appends outside a transaction run at once', async () => {
    const db = await openDb(':memory:');
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(db, [entry(i + 1)])));
    expect((await listAudit(db, { limit: 100 })).map((e) => e.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await verifyAuditChain(db, { pageSize: 7 })).toMatchObject({ ok: true, checked: 20 });
  });
});

describe('the append-only guard', () => {
  it('refuses UPDATE and DELETE on audit rows and on the start of the keyed chain', async () => {
    const db = await openDb(':memory:');
    await appendAudit(db, entries(1, 2));
    await expect(
      db.updateTable('audit_log').set({ actor_name: '别人' }).where('seq', '=', 1).execute(),
    ).rejects.toThrow('audit_log is append-only');
    await expect(db.deleteFrom('audit_log').where('seq', '=', 2).execute()).rejects.toThrow(
      'audit_log is append-only',
    );
    await expect(db.updateTable('audit_chain_start').set({ hmac_from_seq: 99 }).execute()).rejects.toThrow(
      'audit_chain_start is append-only',
    );
    await expect(db.deleteFrom('audit_chain_start').execute()).rejects.toThrow(
      'audit_chain_start is append-only',
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2 });
  });
});

describe('rows from before the key', () => {
  const sha256Row = (seq: number, prev: string) => {
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
    const body = JSON.stringify([
      seq,
      row.at,
      row.actor_id,
      row.actor_name,
      row.action,
      'region',
      row.entity_id,
      row.data,
    ]);
    return { ...row, hash: createHash('sha256').update(`${prev}\n${body}`).digest('hex') };
  };

  /** A database as 0006 left it, with three rows of the plain SHA-256 chain. */
  async function legacyDb(path: string): Promise<void> {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
    const before = {
      '0001_foundation': foundation,
      '0002_ingest': ingest,
      '0003_rules': rules,
      '0004_cases': cases,
      '0005_device_admin': deviceAdmin,
      '0006_people_admin': peopleAdmin,
    };
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(before) },
    }).migrateToLatest();
    if (error) throw error;
    let prev = GENESIS_HASH;
    for (const seq of [1, 2, 3]) {
      const row = sha256Row(seq, prev);
      await (db as unknown as StateDb).insertInto('audit_log').values(row).execute();
      prev = row.hash;
    }
    await db.destroy();
  }

  it('keep verifying after the upgrade, followed by keyed rows', async () => {
    const path = join(tempDir(), 'state.db');
    await legacyDb(path);
    const db = await openDb(path);
    expect(await db.selectFrom('audit_chain_start').selectAll().execute()).toEqual([{ hmac_from_seq: 4 }]);
    await appendAudit(db, entries(4, 3));
    expect(await verifyAuditChain(db, { pageSize: 2 })).toMatchObject({ ok: true, checked: 6 });
  });

  it('cannot be rewritten and re-linked: the first keyed row pins the last one', async () => {
    const path = join(tempDir(), 'state.db');
    await legacyDb(path);
    const db = await openDb(path);
    await appendAudit(db, entries(4, 2));
    const raw = asAttacker(path);
    // Rewrite entry 2 and recompute the unkeyed links of 2 and 3, as anyone could.
    const forged2 = sha256Row(2, sha256Row(1, GENESIS_HASH).hash);
    forged2.actor_name = '别人';
    const body2 = JSON.stringify([
      2,
      forged2.at,
      'u-admin',
      '别人',
      'admin.test',
      'region',
      'G2',
      forged2.data,
    ]);
    forged2.hash = createHash('sha256').update(`${forged2.prev_hash}\n${body2}`).digest('hex');
    const forged3 = sha256Row(3, forged2.hash);
    raw.prepare('update audit_log set actor_name = ?, hash = ? where seq = 2').run('别人', forged2.hash);
    raw
      .prepare('update audit_log set prev_hash = ?, hash = ? where seq = 3')
      .run(forged3.prev_hash, forged3.hash);
    raw.close();
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenAt: 4,
      reason: 'does not link to the previous entry',
    });
  });

  it('rewritten and re-linked before any keyed row exists, differ from their anchor', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const anchorFile = join(dir, 'audit-anchor.log');
    await legacyDb(path);
    const db = await openDb(path);
    await anchorAuditHead(db, anchorFile, 1_700_000_100_000);
    const raw = asAttacker(path);
    const forged3 = sha256Row(3, sha256Row(2, sha256Row(1, GENESIS_HASH).hash).hash);
    forged3.entity_id = 'G9';
    const body = JSON.stringify([
      3,
      forged3.at,
      'u-admin',
      '管理员',
      'admin.test',
      'region',
      'G9',
      forged3.data,
    ]);
    forged3.hash = createHash('sha256').update(`${forged3.prev_hash}\n${body}`).digest('hex');
    raw.prepare('update audit_log set entity_id = ?, hash = ? where seq = 3').run('G9', forged3.hash);
    raw.close();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3 });
    expect(await verifyAuditChain(db, { anchorFile })).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: 'differs from the entry anchored at 2023-11-14T22:15:00.000Z',
    });
  });
});

describe('the anchor outside the database', () => {
  it('finds the newest rows deleted after the head was anchored', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const anchorFile = join(dir, 'audit-anchor.log');
    const db = await openDb(path);
    await appendAudit(db, entries(1, 5));
    const anchor = await anchorAuditHead(db, anchorFile, 1_700_000_100_000);
    expect(anchor).toMatchObject({ seq: 5, keyedFrom: 1 });
    await appendAudit(db, entries(6, 2));
    expect(await verifyAuditChain(db, { anchorFile })).toMatchObject({
      ok: true,
      checked: 7,
      anchor: { seq: 5, at: 1_700_000_100_000 },
    });

    const raw = asAttacker(path);
    raw.prepare('delete from audit_log where seq >= 4').run();
    raw.close();
    // Without the anchor the shortened chain looks whole.
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3 });
    expect(await verifyAuditChain(db, { anchorFile })).toEqual({
      ok: false,
      checked: 3,
      brokenAt: 4,
      reason:
        'the chain ends at entry 3, but entry 5 was anchored at 2023-11-14T22:15:00.000Z: its newest entries were removed',
      reasonText: {
        key: 'audit.entriesRemoved',
        params: { seq: 3, anchored: 5, at: '2023-11-14T22:15:00.000Z' },
      },
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      anchor: { seq: 5, at: 1_700_000_100_000 },
    });
  });

  it('names a forged anchor line, and skips a torn one', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const anchorFile = join(dir, 'audit-anchor.log');
    const db = await openDb(path);
    await appendAudit(db, entries(1, 3));
    const first = await anchorAuditHead(db, anchorFile, 1_700_000_100_000);
    // The same head again writes nothing; a torn line from a crash is closed off, then skipped.
    expect(await anchorAuditHead(db, anchorFile, 1_700_000_200_000, first)).toBe(first);
    appendFileSync(anchorFile, '{"seq":9,"ha');
    expect((await readAuditAnchors(anchorFile)).anchors).toHaveLength(1);
    await appendAudit(db, entries(4, 1));
    await anchorAuditHead(db, anchorFile, 1_700_000_300_000, first);
    expect(await readAuditAnchors(anchorFile)).toMatchObject({
      anchors: [{ seq: 3 }, { seq: 4, line: 3 }],
      malformed: [2],
    });
    expect(await verifyAuditChain(db, { anchorFile })).toMatchObject({
      ok: false,
      reason: 'line 2 of the anchor file is not an anchor',
    });

    const clean = join(dir, 'clean-anchor.log');
    await anchorAuditHead(db, clean, 1_700_000_100_000);
    const forged = { ...first!, seq: 40, mac: first!.mac };
    appendFileSync(clean, `${JSON.stringify(forged)}\n`);
    expect(await verifyAuditChain(db, { anchorFile: clean })).toMatchObject({
      ok: false,
      reason: 'line 2 of the anchor file is not sealed with the audit key',
    });
  });

  it('finds the start of the keyed chain moved after it was anchored', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const anchorFile = join(dir, 'audit-anchor.log');
    const db = await openDb(path);
    await appendAudit(db, entries(1, 2));
    await anchorAuditHead(db, anchorFile, 1_700_000_100_000);
    const raw = new SQLite(path);
    raw.exec('drop trigger audit_chain_start_no_update; update audit_chain_start set hmac_from_seq = 3;');
    raw.close();
    expect(await verifyAuditChain(db, { anchorFile })).toMatchObject({
      ok: false,
      brokenAt: 1,
      reason: 'the keyed chain starts at entry 3, but at entry 1 when anchored at 2023-11-14T22:15:00.000Z',
    });
  });

  it('is written at start, again only when the head moved, and at close', async () => {
    const dir = tempDir();
    const file = join(dir, 'audit-anchor.log');
    const db = await openDb(join(dir, 'state.db'));
    await appendAudit(db, entries(1, 2));
    const errors: unknown[] = [];
    let ticks = 0;
    const anchoring = startAuditAnchoring(db, {
      file,
      now: () => 1_700_000_000_000 + ticks++,
      onError: (error) => errors.push(error),
      intervalMs: 10,
    });
    const seqs = async () => (await readAuditAnchors(file)).anchors.map((a) => a.seq);
    await expect.poll(seqs).toEqual([2]);
    await expect.poll(() => ticks).toBeGreaterThan(5); // idle ticks: the head did not move
    expect(await seqs()).toEqual([2]);
    await appendAudit(db, entries(3, 1));
    await expect.poll(seqs).toEqual([2, 3]);
    await appendAudit(db, entries(4, 1));
    await anchoring.close();
    expect((await seqs()).at(-1)).toBe(4);
    expect(errors).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
