import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { expect, it } from 'vitest';
import { findOpenCaseByCause, listCasesDueForCheck } from './case.repository';
import { listCaseSources, listCaseViews } from './case-view.repository';
import type { StateDb } from './database';
import { migrateToLatest } from './migrations';
import { foundation } from './migrations/0001-foundation';
import { stateKeysPlugin } from './state-keys';

it('0004_cases upgrades a database with cases from before: sources, dispatch times and the ticker', async () => {
  // The keys openStateDb gives every handle; later migrations and the views use them.
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    plugins: [stateKeysPlugin({ auditKey: 'a'.repeat(32), personalDataKey: 'k'.repeat(32) })],
  }) as unknown as StateDb;
  await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ '0001_foundation': foundation }) },
  }).migrateToLatest();
  await db
    .insertInto('regions')
    .values({ id: 'G1', level: 'grid', parent_id: null, name: '第1网格', boundary: null })
    .execute();
  const old = {
    title: '烟雾浓度超限',
    category: 'fire_safety',
    severity: 'critical',
    source: 'auto',
    grid_id: 'G1',
    rule_id: 'smoke-high',
    resolved_by_id: null,
    return_count: 0,
    risk_active: 1,
    accept_due_at: 5000,
    resolve_due_at: 9000,
  };
  await db
    .insertInto('cases')
    .values([
      {
        ...old,
        id: 'C-open',
        state: 'dispatched',
        device_id: 'd1',
        assignee_id: 'u1',
        occurrences: 3,
        opened_at: 1000,
        updated_at: 2000,
      },
      {
        ...old,
        id: 'C-done',
        state: 'closed',
        device_id: 'd2',
        assignee_id: null,
        occurrences: 1,
        opened_at: 100,
        updated_at: 200,
      },
    ] as never)
    .execute();

  await migrateToLatest(db as unknown as Kysely<unknown>);

  const [view] = await listCaseViews(db, { ids: ['C-open'], openOnly: true });
  expect(view).toMatchObject({
    dispatchedAt: 1000,
    firstDispatchedAt: 1000,
    lastSignalAt: 2000,
    escalationLevel: 'grid',
    sourceCount: 1,
    coHandlerIds: [],
  });
  expect(await listCaseSources(db, 'C-open')).toMatchObject([
    { kind: 'auto', deviceId: 'd1', count: 3, active: true },
  ]);
  expect((await findOpenCaseByCause(db, 'd1', 'smoke-high'))?.record.id).toBe('C-open');
  expect((await listCasesDueForCheck(db, 10_000, 10)).map((c) => c.id)).toEqual(['C-open']);
  await db.destroy();
});
