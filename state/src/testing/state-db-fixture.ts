import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { postgresTestMode, sharedPostgres, stopSharedPostgres } from '../../../tests/src/harness/postgres';
import { openStateDb, type StateDb } from '../database';
import type { StateDialect } from '../dialect';
import type { StateKeys } from '../state-keys';

export type { StateDialect } from '../dialect';

/** Fixed keys, so every handle on one test database (and a copy of it) shares them. */
export const TEST_STATE_KEYS: StateKeys = { auditKey: 'a'.repeat(43), personalDataKey: 'p'.repeat(43) };

/**
 * The databases repository and service suites run on: SQLite always; PostgreSQL where the
 * server binaries are installed (a missing one fails under CI=true, `postgresTestMode`).
 */
export function stateDialects(): StateDialect[] {
  return postgresTestMode() === 'run' ? ['sqlite', 'postgres'] : ['sqlite'];
}

// One PostgreSQL server per test file, started by the first test that needs it.
afterAll(stopSharedPostgres);

/**
 * A fresh private state database, migrated: in-memory SQLite, or a new database on this test
 * file's PostgreSQL server (a copy of `template` when given).
 */
export async function openTestStateDb(
  dialect: StateDialect,
  options: { template?: string; keys?: StateKeys } = {},
): Promise<StateDb> {
  const keys = options.keys ?? TEST_STATE_KEYS;
  if (dialect === 'sqlite') return openStateDb(':memory:', keys);
  const url = await (await sharedPostgres()).createDatabase(options.template);
  const db = await openStateDb(url, { ...keys, poolSize: 4 });
  locations.set(db, url);
  return db;
}

/** A second handle on the same database, as another process of the service would have. */
export async function openTestStateDbAgain(db: StateDb, dialect: StateDialect): Promise<StateDb> {
  const location = locations.get(db);
  if (!location) throw new Error('openTestStateDbAgain: not a file or server database from this fixture');
  return openStateDb(
    location,
    dialect === 'postgres' ? { ...TEST_STATE_KEYS, poolSize: 4 } : TEST_STATE_KEYS,
  );
}

const locations = new WeakMap<StateDb, string>();

/**
 * Databases that all start from one seeded state: `seed` runs once per dialect and test file
 * (seeding can be slow: hashing passwords), and each call gives a private copy (a file copy on
 * SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL).
 */
export function seededStateDb(
  seed: (db: StateDb) => Promise<unknown>,
): (dialect: StateDialect) => Promise<StateDb> {
  const templates = new Map<StateDialect, Promise<string>>();
  let copies = 0;
  const template = (dialect: StateDialect) => {
    let made = templates.get(dialect);
    if (!made) {
      made = makeTemplate(dialect, seed);
      templates.set(dialect, made);
    }
    return made;
  };
  return async (dialect) => {
    const location = await template(dialect);
    if (dialect === 'postgres') {
      const url = await (await sharedPostgres()).createDatabase(new URL(location).pathname.slice(1));
      const db = await openStateDb(url, { ...TEST_STATE_KEYS, poolSize: 4 });
      locations.set(db, url);
      return db;
    }
    const copy = location.replace('template.db', `copy-${++copies}.db`);
    copyFileSync(location, copy);
    const db = await openStateDb(copy, TEST_STATE_KEYS);
    locations.set(db, copy);
    return db;
  };
}

async function makeTemplate(dialect: StateDialect, seed: (db: StateDb) => Promise<unknown>): Promise<string> {
  let location: string;
  if (dialect === 'postgres') {
    location = await (await sharedPostgres()).createDatabase();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'gridsense-state-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    location = join(dir, 'template.db');
  }
  const db = await openStateDb(location, TEST_STATE_KEYS);
  try {
    await seed(db);
  } finally {
    // A PostgreSQL template may have no open connections while it is copied.
    await db.destroy();
  }
  return location;
}
