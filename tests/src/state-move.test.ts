import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorAuditHead,
  appendAudit,
  auditAnchorFile,
  insertDevices,
  listRequesters,
  openStateDb,
  seedDemoDistrict,
  setPersonContacts,
  verifyAuditChain,
  type StateDb,
} from '@gridsense/state';
import { beijing, startCaseEnv } from '../../alerts/src/testing/case-env';
import { postgresTestMode, sharedPostgres } from './harness/postgres';
import { runScript } from './harness/run-script';

const T0 = beijing(2026, 3, 10, 10);
const PASSWORD = 'test-password-1';
/** Tables that are not state: Kysely's migrations and SQLite's own counters. */
const NOT_STATE = ['kysely_migration', 'kysely_migration_lock', 'sqlite_sequence', 'device_revision'];

/** Every row of every state table in the SQLite file, each table's rows in one stable order. */
function sqliteRows(file: string): Map<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    return new Map(
      tables
        .filter((t) => !NOT_STATE.includes(t.name))
        .map((t) => [t.name, sorted(db.prepare(`select * from "${t.name}"`).all())]),
    );
  } finally {
    db.close();
  }
}

async function postgresRows(db: StateDb, tables: Iterable<string>): Promise<Map<string, unknown[]>> {
  const rows = new Map<string, unknown[]>();
  for (const table of tables)
    rows.set(table, sorted((await sql<unknown>`select * from ${sql.table(table)}`.execute(db)).rows));
  return rows;
}

const sorted = (rows: unknown[]) =>
  rows
    .map((row) => JSON.stringify(row))
    .sort()
    .map((text) => JSON.parse(text) as unknown);

describe.skipIf(postgresTestMode() === 'skip')('moving state from SQLite to PostgreSQL', () => {
  const dirs: string[] = [];
  let dataDir: string;
  let keys: { GRIDSENSE_AUDIT_KEY: string; GRIDSENSE_DATA_KEY: string };
  let hotlineCaseId: string;

  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridsense-state-move-'));
    dirs.push(dir);
    return dir;
  };
  const emptyDatabase = async () => (await sharedPostgres()).createDatabase();
  const move = (url: string, env: Record<string, string> = {}, dir = dataDir) =>
    runScript('state/src/migrate-state.ts', ['--to', 'postgres'], {
      GRIDSENSE_DATA_DIR: dir,
      DATABASE_URL: url,
      ...keys,
      ...env,
    });
  const openTarget = (url: string) =>
    openStateDb(url, { auditKey: keys.GRIDSENSE_AUDIT_KEY, personalDataKey: keys.GRIDSENSE_DATA_KEY });
  const tableCount = async (url: string) => {
    const db = await openTarget(url);
    try {
      return Number((await sql<{ n: string }>`select count(*) as n from users`.execute(db)).rows[0]!.n);
    } finally {
      await db.destroy();
    }
  };

  /**
   * A data dir that ran on SQLite with its keys in key files: the demo district, a smoke alarm's
   * case with its timeline, a hotline case with its caller sealed, a sealed work phone, a deleted
   * device (a tombstone), and the audit chain of all that with an anchor.
   */
  beforeAll(async () => {
    dataDir = tempDir();
    const db = await openStateDb(path.join(dataDir, 'state.db'));
    await seedDemoDistrict(db, { now: T0, fixedPassword: PASSWORD });
    const env = await startCaseEnv({ db, start: T0 });
    await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    const hotline = await env.cases.hotline(await env.user('op1'), {
      title: '居民来电：楼道起火',
      description: '3 号楼 2 单元楼道有明火',
      category: 'fire_safety',
      subcategory: 'fire_safety.fire',
      caseType: 'fire_safety.fire.building_fire',
      severity: 'critical',
      location: null,
      address: '江城社区 3 号楼',
      callerName: '张三',
      callerPhone: '13812345678',
      gridId: 'G01',
      assigneeId: null,
      overrideNote: null,
    });
    hotlineCaseId = hotline.caseId;
    await env.stop({ keepDb: true });
    const actor = { id: 'u-admin', name: '管理员' };
    await setPersonContacts(
      db,
      'u-worker01',
      { phone: '13900001111', dingtalkUserId: null, wecomUserId: null },
      actor,
      T0,
    );
    const [gone] = await db.selectFrom('devices').select('id').orderBy('id').limit(1).execute();
    await db.deleteFrom('devices').where('id', '=', gone!.id).execute();
    await anchorAuditHead(db, auditAnchorFile(dataDir), T0 + 1000);
    await db.destroy();
    const key = (name: string) => readFileSync(path.join(dataDir, 'keys', name), 'utf8').trim();
    keys = { GRIDSENSE_AUDIT_KEY: key('audit.key'), GRIDSENSE_DATA_KEY: key('personal-data.key') };
  }, 120_000);

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('copies every row, keeps the audit chain and sealed data readable, and new rows get fresh ids', async () => {
    const url = await emptyDatabase();
    const run = await move(url);
    expect(run.output).toContain('cases: 2 rows');
    expect(run.output).toMatch(/copied [\d,]+ rows in \d+ tables/);
    expect(run.code).toBe(0);

    const source = sqliteRows(path.join(dataDir, 'state.db'));
    const db = await openTarget(url);
    try {
      const target = await postgresRows(db, source.keys());
      for (const [table, rows] of source) expect({ table, rows: target.get(table) }).toEqual({ table, rows });
      expect(source.get('case_requesters')).toHaveLength(1);
      expect(source.get('device_tombstones')).toHaveLength(1);

      const audit = await verifyAuditChain(db, { anchorFile: auditAnchorFile(dataDir) });
      expect(audit).toMatchObject({ ok: true, checked: source.get('audit_log')!.length });
      expect(await listRequesters(db, hotlineCaseId)).toEqual([
        expect.objectContaining({ name: '张三', phone: '13812345678' }),
      ]);

      const highest = (table: string, column: string) =>
        Math.max(...source.get(table)!.map((row) => (row as Record<string, number>)[column]!));
      const event = await db
        .insertInto('case_events')
        .values({
          case_id: hotlineCaseId,
          at: T0 + 5000,
          actor_id: 'u-op1',
          actor_name: 'op1',
          action: 'note',
          from_state: null,
          to_state: 'dispatched',
          note: 'after the move',
          data: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(event.id).toBeGreaterThan(highest('case_events', 'id'));
      await insertDevices(
        db,
        [
          {
            id: 'moved-1',
            gridId: 'G01',
            type: 'smoke_detector',
            name: 'after the move',
            lat: 30,
            lng: 120,
            secretHash: 'x',
          },
        ],
        T0,
      );
      const device = await db
        .selectFrom('devices')
        .select('revision')
        .where('id', '=', 'moved-1')
        .executeTakeFirstOrThrow();
      expect(device.revision).toBeGreaterThan(
        Math.max(highest('devices', 'revision'), highest('device_tombstones', 'revision')),
      );
      await appendAudit(db, [
        {
          at: T0 + 6000,
          actorId: 'u-op1',
          actorName: 'op1',
          action: 'test',
          entityType: 'case',
          entityId: hotlineCaseId,
          data: null,
        },
      ]);
      expect(await verifyAuditChain(db, { anchorFile: auditAnchorFile(dataDir) })).toMatchObject({
        ok: true,
      });
    } finally {
      await db.destroy();
    }

    // The services start on it: it holds state now.
    const start = await runScript('state/src/main.ts', [], {
      GRIDSENSE_DATA_DIR: dataDir,
      DATABASE_URL: url,
      GRIDSENSE_DEMO_PASSWORD: PASSWORD,
      LOG_LEVEL: 'info',
      ...keys,
    });
    expect(start.output).toContain('already seeded');
    expect(start.code).toBe(0);
  });

  it('refuses a database that holds state, naming the table, and copies nothing', async () => {
    const url = await emptyDatabase();
    const db = await openTarget(url);
    await db.insertInto('settings').values({ key: 'someone', value: 'was here' }).execute();
    await db.destroy();
    const run = await move(url);
    expect(run.output).toContain('already holds state (settings: 1 rows)');
    expect(run.code).toBe(1);
    expect(await tableCount(url)).toBe(0);
  });

  it.each([
    [
      'GRIDSENSE_AUDIT_KEY',
      /audit log in state\.db does not verify with GRIDSENSE_AUDIT_KEY.*differs from .*audit\.key/,
    ],
    [
      'GRIDSENSE_DATA_KEY',
      /case_requesters\.name\) does not open with GRIDSENSE_DATA_KEY.*differs from .*personal-data\.key/,
    ],
  ])('refuses a %s other than the one that sealed state.db', async (setting, message) => {
    const url = await emptyDatabase();
    const run = await move(url, { [setting]: 'w'.repeat(43) });
    expect(run.output).toMatch(message);
    expect(run.code).toBe(1);
    expect(await tableCount(url)).toBe(0);
  });

  it('refuses state.db at another migration version', async () => {
    const behind = tempDir();
    copyFileSync(path.join(dataDir, 'state.db'), path.join(behind, 'state.db'));
    cpSync(path.join(dataDir, 'keys'), path.join(behind, 'keys'), { recursive: true });
    // The newest migration forgotten, as a state.db left by the previous release would be.
    const file = new Database(path.join(behind, 'state.db'));
    const names = (
      file.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((row) => row.name);
    file.prepare('delete from kysely_migration where name = ?').run(names.at(-1));
    file.close();
    const url = await emptyDatabase();
    const run = await move(url, {}, behind);
    expect(run.output).toContain(`state.db is at migration ${names.at(-2)}`);
    expect(run.output).toContain('start GridSense once on SQLite');
    expect(run.code).toBe(1);
  });

  it('a service refuses an empty PostgreSQL beside a state.db with state, unless told to start fresh', async () => {
    const url = await emptyDatabase();
    const settings = {
      GRIDSENSE_DATA_DIR: dataDir,
      DATABASE_URL: url,
      GRIDSENSE_DEMO_PASSWORD: PASSWORD,
      ...keys,
    };
    const refused = await runScript('state/src/main.ts', [], settings);
    expect(refused.output).toContain('npm run migrate:state -- --to postgres');
    expect(refused.output).toContain('GRIDSENSE_STATE_FRESH=confirm');
    expect(refused.code).toBe(1);
    expect(await tableCount(url)).toBe(0);

    const fresh = await runScript('state/src/main.ts', [], { ...settings, GRIDSENSE_STATE_FRESH: 'confirm' });
    expect(fresh.code).toBe(0);
    expect(await tableCount(url)).toBeGreaterThan(0);
  });
});
