import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { dialectOf } from '../dialect';

/**
 * The few places where one migration must say a thing differently on SQLite and PostgreSQL. On
 * SQLite each gives exactly what the migrations said before they ran on both, so existing
 * databases and their recorded migrations stay as they were.
 */

/** An `id` primary key numbered by the database: SQLite's autoincrement rowid, PostgreSQL's serial. */
export function autoIncrementId(db: Kysely<unknown>) {
  return <TB extends string, C extends string>(table: CreateTableBuilder<TB, C>) =>
    dialectOf(db) === 'postgres'
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/**
 * An epoch-milliseconds column that older migrations declared `integer`: SQLite stores any
 * integer there, PostgreSQL's `integer` is 32 bits and would overflow, so it gets `bigint`.
 */
export function epochMsType(db: Kysely<unknown>): 'integer' | 'bigint' {
  return dialectOf(db) === 'postgres' ? 'bigint' : 'integer';
}

/** A column of raw bytes: SQLite's `blob`, PostgreSQL's `bytea`. */
export function bytesType(db: Kysely<unknown>): 'blob' | 'bytea' {
  return dialectOf(db) === 'postgres' ? 'bytea' : 'blob';
}

/** Refuses UPDATE and DELETE on `table` (and TRUNCATE on PostgreSQL), naming it append-only. */
export async function makeAppendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    for (const statement of ['update', 'delete'])
      await sql
        .raw(
          `create trigger ${table}_no_${statement} before ${statement} on ${table} ` +
            `begin select raise(abort, '${table} is append-only'); end`,
        )
        .execute(db);
    return;
  }
  await sql
    .raw(
      `create or replace function gridsense_refuse_change() returns trigger language plpgsql as $$
        begin raise exception '% is append-only', tg_table_name; end $$`,
    )
    .execute(db);
  for (const statement of ['update', 'delete'])
    await sql
      .raw(
        `create trigger ${table}_no_${statement} before ${statement} on ${table} ` +
          `for each row execute function gridsense_refuse_change()`,
      )
      .execute(db);
  await sql
    .raw(
      `create trigger ${table}_no_truncate before truncate on ${table} ` +
        `for each statement execute function gridsense_refuse_change()`,
    )
    .execute(db);
}
