import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { StateDb } from '../database';
import { migrationProvider } from '../migrations';
import { stateKeysPlugin, type StateKeys } from '../state-keys';

/**
 * A SQLite state file opened read-only, neither migrated nor otherwise touched (what it holds is
 * being moved or looked at, not served), with `keys` held like openStateDb's handles hold them,
 * so the audit chain can be verified and sealed values opened with them.
 */
export function openSqliteReadOnly(path: string, keys?: StateKeys): StateDb {
  const database = new SQLite(path, { readonly: true, fileMustExist: true });
  return new Kysely({
    dialect: new SqliteDialect({ database }),
    plugins: keys ? [stateKeysPlugin(keys)] : [],
  });
}

/** Where a database's migrations stand against this code's: what it lacks, what this code lacks. */
export interface MigrationGap {
  applied: string[];
  missing: string[];
  unknown: string[];
}

export async function migrationGap(db: StateDb): Promise<MigrationGap> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master
    where type = 'table' and name = 'kysely_migration'`.execute(db);
  const applied =
    tables.length === 0
      ? []
      : (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map(
          (r) => r.name,
        );
  return {
    applied,
    missing: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}
