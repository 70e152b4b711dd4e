import { sql } from 'kysely';
import type { StateDb } from '../database';
import { dialectOf } from '../dialect';

/**
 * Tables that are bookkeeping, not state: Kysely's record of migrations, SQLite's AUTOINCREMENT
 * counters and SQLite's device revision counter (PostgreSQL keeps the last two as sequences).
 */
const BOOKKEEPING = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'sqlite_sequence',
  'device_revision',
]);

/**
 * Tables whose rows a migration writes itself: 0008 records where the keyed audit chain starts,
 * so a freshly migrated database already has that row.
 */
export const MIGRATION_FILLED = new Set(['audit_chain_start']);

/** The tables holding GridSense state in this database (either dialect), in name order. */
export async function stateTables(db: StateDb): Promise<string[]> {
  const { rows } =
    dialectOf(db) === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  return rows
    .map((r) => r.name)
    .filter((name) => !BOOKKEEPING.has(name))
    .sort();
}

export async function countRows(db: StateDb, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The first table (in name order) with a row of state in it, and how many; undefined when none. */
export async function firstTableWithState(db: StateDb): Promise<{ table: string; rows: number } | undefined> {
  for (const table of await stateTables(db)) {
    if (MIGRATION_FILLED.has(table)) continue;
    const { rows } = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
    if (rows.length > 0) return { table, rows: await countRows(db, table) };
  }
  return undefined;
}
