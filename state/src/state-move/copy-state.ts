import { sql } from 'kysely';
import { verifyAuditChain } from '../audit.repository';
import type { StateDb } from '../database';
import { foreignKeys, insertOrder, parentsFirst, type ForeignKey } from './insert-order';
import { copyPhotoFiles, type PhotoFilesCopied } from './photo-files';
import { countRows, firstTableWithState, MIGRATION_FILLED, stateTables } from './state-tables';

/** A move that must not go on; nothing was written (its transaction rolled back). */
export class MoveRefused extends Error {}

export interface MoveResult {
  tables: { table: string; rows: number }[];
  /** Entries of the audit chain verified on PostgreSQL after the copy. */
  auditEntries: number;
  /** Photo files brought into `photo_bodies` (when a photos dir was given). */
  photoFiles?: PhotoFilesCopied;
}

type Row = Record<string, unknown>;

/** Rows per INSERT, and fewer for wide tables: PostgreSQL takes at most 65,535 parameters. */
const CHUNK_ROWS = 500;
const CHUNK_PARAMETERS = 30_000;

/**
 * Copies every state table of `source` (SQLite, read-only) into `target` (PostgreSQL, migrated to
 * the same version and holding no state) in one transaction: parents before the rows that
 * reference them, in chunked inserts, values as stored (both schemas keep booleans as 0/1
 * integers, times as epoch-ms integers and JSON as text, so nothing is converted). Then each
 * sequence is set past the ids copied, and the copy is verified (rows per table, the audit
 * chain with the target's keys) before it commits: a failed check leaves the target empty.
 * With `photosDir` (`<data dir>/photos`) the photo files come along into `photo_bodies`, in the
 * same transaction, after the rows are counted.
 */
export async function copyStateToPostgres(
  source: StateDb,
  target: StateDb,
  options: { anchorFile: string; progress: (line: string) => void; photosDir?: string },
): Promise<MoveResult> {
  const tables = await stateTables(source);
  const targetTables = await stateTables(target);
  const unmatched = [...tables, ...targetTables].filter(
    (t) => !tables.includes(t) || !targetTables.includes(t),
  );
  if (unmatched.length > 0)
    throw new MoveRefused(`the two databases differ in tables (${[...new Set(unmatched)].join(', ')})`);
  return target.transaction().execute(async (tx) => {
    const occupied = await firstTableWithState(tx);
    if (occupied)
      throw new MoveRefused(
        `the PostgreSQL database already holds state (${occupied.table}: ${occupied.rows} rows); ` +
          'move into an empty database: a new one, or this one dropped and created again',
      );
    const keys = await foreignKeys(tx);
    const copied: MoveResult['tables'] = [];
    for (const table of insertOrder(tables, keys)) {
      const rows = await copyTable(
        source,
        tx,
        table,
        keys.find((k) => k.table === table && k.references === table),
      );
      options.progress(`  ${table}: ${rows.toLocaleString('en')} rows`);
      copied.push({ table, rows });
    }
    await setSequencesPastCopiedIds(source, tx);
    for (const { table, rows } of copied) {
      const there = await countRows(tx, table);
      if (there !== rows) throw new MoveRefused(`${table}: ${rows} rows in state.db, ${there} copied`);
    }
    const audit = await verifyAuditChain(tx, { anchorFile: options.anchorFile });
    if (!audit.ok)
      throw new MoveRefused(
        `the copied audit log does not verify (entry ${audit.brokenAt}: ${audit.reason})`,
      );
    if (options.photosDir === undefined) return { tables: copied, auditEntries: audit.checked };
    const photoFiles = await copyPhotoFiles(tx, options.photosDir);
    options.progress(
      `  photo files: ${photoFiles.copied.toLocaleString('en')} into photo_bodies` +
        (photoFiles.missing > 0 ? `, ${photoFiles.missing.toLocaleString('en')} records without a file` : ''),
    );
    return { tables: copied, auditEntries: audit.checked, photoFiles };
  });
}

async function columnsOf(db: StateDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
  return rows.map((r) => r.name);
}

async function sqliteColumnsOf(db: StateDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return rows.map((r) => r.name);
}

async function copyTable(source: StateDb, tx: StateDb, table: string, selfKey?: ForeignKey): Promise<number> {
  const columns = await columnsOf(tx, table);
  const sourceColumns = await sqliteColumnsOf(source, table);
  if (columns.length !== sourceColumns.length || columns.some((c) => !sourceColumns.includes(c)))
    throw new MoveRefused(`${table} has other columns in state.db than on PostgreSQL`);
  if (MIGRATION_FILLED.has(table)) return replaceMigrationRow(source, tx, table);
  const chunk = Math.max(1, Math.min(CHUNK_ROWS, Math.floor(CHUNK_PARAMETERS / columns.length)));
  const insert = (rows: Row[]) =>
    sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(
      rows.map((row) => sql`(${sql.join(columns.map((c) => exactValue(table, c, row[c])))})`),
    )}`.execute(tx);
  // Revisions are copied as they are; the trigger would number each insert anew (0019).
  if (table === 'devices') await sql`alter table devices disable trigger devices_revision`.execute(tx);
  let copied = 0;
  if (selfKey) {
    const all = parentsFirst(await readPage(source, table, 0, Number.MAX_SAFE_INTEGER), selfKey);
    for (let i = 0; i < all.length; i += chunk) await insert(all.slice(i, i + chunk));
    copied = all.length;
  } else {
    for (let after = 0; ;) {
      const page = await readPage(source, table, after, chunk);
      if (page.length === 0) break;
      await insert(page);
      copied += page.length;
      after = page.at(-1)!.__rowid as number;
    }
  }
  if (table === 'devices') await sql`alter table devices enable trigger devices_revision`.execute(tx);
  return copied;
}

/**
 * A value as SQLite gave it. Integers arrive as numbers, exact up to 2^53: every time, count and
 * id GridSense writes fits, as its PostgreSQL handle assumes too (`database.ts`); a larger one
 * would have been rounded on the way, so it stops the copy instead.
 */
function exactValue(table: string, column: string, value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value))
    throw new MoveRefused(`${table}.${column} holds ${value}, beyond the integers copied exactly`);
  return value ?? null;
}

/** Rows after rowid `after`, in rowid order (the order they were written), with `__rowid`. */
async function readPage(source: StateDb, table: string, after: number, limit: number): Promise<Row[]> {
  const { rows } = await sql<Row>`select rowid as __rowid, * from ${sql.table(table)}
    where rowid > ${after} order by rowid limit ${limit}`.execute(source);
  return rows;
}

/**
 * A table a migration filled on PostgreSQL too (where the keyed audit chain starts): its row takes
 * state.db's value. The row is append-only (0008), so its guard steps aside for this one update.
 */
async function replaceMigrationRow(source: StateDb, tx: StateDb, table: string): Promise<number> {
  if (table !== 'audit_chain_start') throw new MoveRefused(`no rule to copy ${table}`);
  const from = await source.selectFrom('audit_chain_start').select('hmac_from_seq').execute();
  const there = await tx.selectFrom('audit_chain_start').select('hmac_from_seq').execute();
  if (from.length !== 1 || there.length !== 1) throw new MoveRefused('audit_chain_start must hold one row');
  if (from[0]!.hmac_from_seq !== there[0]!.hmac_from_seq) {
    await sql`alter table audit_chain_start disable trigger audit_chain_start_no_update`.execute(tx);
    await tx.updateTable('audit_chain_start').set({ hmac_from_seq: from[0]!.hmac_from_seq }).execute();
    await sql`alter table audit_chain_start enable trigger audit_chain_start_no_update`.execute(tx);
  }
  return 1;
}

/**
 * Every serial id's sequence past the highest id copied, or past SQLite's AUTOINCREMENT counter
 * when that is higher (ids of deleted rows are not handed out again), and the device revision
 * sequence past SQLite's counter, so new rows never collide with copied ones.
 */
async function setSequencesPastCopiedIds(source: StateDb, tx: StateDb): Promise<void> {
  const { rows: serials } = await sql<{ table: string; column: string; sequence: string }>`
    select table_name as "table", column_name as "column",
      pg_get_serial_sequence(quote_ident(table_name), column_name) as sequence
    from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'`.execute(tx);
  const counters = await sqliteCounters(source);
  for (const { table, column, sequence } of serials) {
    const { rows } = await sql<{ high: number | null }>`select max(${sql.ref(column)}) as high
      from ${sql.table(table)}`.execute(tx);
    const high = Math.max(Number(rows[0]?.high ?? 0), counters.get(table) ?? 0);
    if (high > 0) await sql`select setval(${sequence}::regclass, ${high})`.execute(tx);
  }
  const { rows: revisions } = await sql<{ high: number | null }>`select max(revision) as high from (
      select revision from devices union all select revision from device_tombstones) copied`.execute(tx);
  const revision = Math.max(Number(revisions[0]?.high ?? 0), counters.get('device_revision') ?? 0);
  if (revision > 0) await sql`select setval('device_revision', ${revision})`.execute(tx);
}

/** SQLite's AUTOINCREMENT counters per table, and its device revision counter. */
async function sqliteCounters(source: StateDb): Promise<Map<string, number>> {
  const counters = new Map<string, number>();
  const { rows: present } = await sql<{ name: string }>`select name from sqlite_master
    where type = 'table' and name in ('sqlite_sequence', 'device_revision')`.execute(source);
  const has = (name: string) => present.some((r) => r.name === name);
  if (has('sqlite_sequence')) {
    const { rows } = await sql<{ name: string; seq: number }>`select name, seq from sqlite_sequence`.execute(
      source,
    );
    for (const row of rows) counters.set(row.name, Number(row.seq));
  }
  if (has('device_revision')) {
    const { rows } = await sql<{ value: number }>`select value from device_revision`.execute(source);
    counters.set('device_revision', Number(rows[0]?.value ?? 0));
  }
  return counters;
}
