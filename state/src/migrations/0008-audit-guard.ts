import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../dialect';
import { makeAppendOnly } from './portable';

const APPEND_ONLY = ['audit_log', 'audit_chain_start'] as const;

/** PostgreSQL names a trigger's table when dropping it; SQLite does not. */
const onTable = (db: Kysely<unknown>, table: string) => (dialectOf(db) === 'postgres' ? ` on ${table}` : '');

/**
 * The audit log becomes append-only and keyed. Rows written before this migration keep their plain
 * SHA-256 links; `audit_chain_start` records the first row sealed with the audit key (HMAC-SHA256),
 * so verification knows which rule applies to which row. Triggers refuse UPDATE and DELETE on both
 * tables: a mistaken write fails loudly, and changing history needs a deliberate DROP TRIGGER, which
 * the keyed chain and the anchor file then reveal (SQLite triggers, or a PL/pgSQL trigger function
 * on PostgreSQL, which refuses TRUNCATE too).
 */
export const auditGuard: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_chain_start')
      .addColumn('hmac_from_seq', 'integer', (c) => c.notNull())
      .execute();
    await sql`insert into audit_chain_start (hmac_from_seq) select coalesce(max(seq), 0) + 1 from audit_log`.execute(
      db,
    );
    for (const table of APPEND_ONLY) await makeAppendOnly(db, table);
  },
  async down(db: Kysely<unknown>) {
    for (const table of APPEND_ONLY)
      for (const statement of ['update', 'delete'])
        await sql.raw(`drop trigger if exists ${table}_no_${statement}${onTable(db, table)}`).execute(db);
    await db.schema.dropTable('audit_chain_start').execute();
  },
};
