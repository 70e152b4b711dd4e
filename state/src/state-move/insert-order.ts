import { sql } from 'kysely';
import type { StateDb } from '../database';

/** A foreign key of one column: `table.column` references `references.referencedColumn`. */
export interface ForeignKey {
  table: string;
  column: string;
  references: string;
  referencedColumn: string;
}

/** The foreign keys PostgreSQL enforces in the current schema. */
export async function foreignKeys(db: StateDb): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    select c.conrelid::regclass::text as "table", a.attname as "column",
      c.confrelid::regclass::text as "references", r.attname as "referencedColumn"
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute r on r.attrelid = c.confrelid and r.attnum = c.confkey[1]
    where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`.execute(db);
  return rows;
}

/**
 * The tables in an order where every table comes after the tables it references (a table
 * referencing itself is left to `parentsFirst`), by name among equals. The keys are checked on
 * every insert, so a row may not come before the row it points at.
 */
export function insertOrder(tables: readonly string[], keys: readonly ForeignKey[]): string[] {
  const waitsFor = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const key of keys)
    if (key.table !== key.references && waitsFor.has(key.references))
      waitsFor.get(key.table)?.add(key.references);
  const order: string[] = [];
  while (order.length < tables.length) {
    const ready = [...waitsFor].filter(
      ([t, deps]) => !order.includes(t) && [...deps].every((d) => order.includes(d)),
    );
    if (ready.length === 0) throw new Error('the foreign keys between the state tables form a cycle');
    order.push(...ready.map(([t]) => t).sort());
  }
  return order;
}

/** Rows of a table that references itself, each after the row it points at (regions' parents). */
export function parentsFirst<Row extends Record<string, unknown>>(
  rows: readonly Row[],
  key: ForeignKey,
): Row[] {
  const present = new Set(rows.map((r) => r[key.referencedColumn]));
  const placed = new Set<unknown>();
  const ordered: Row[] = [];
  let waiting = [...rows];
  while (waiting.length > 0) {
    const ready = waiting.filter((r) => {
      const parent = r[key.column];
      return parent === null || !present.has(parent) || placed.has(parent);
    });
    // A cycle among the rows: insert them as they are and let the key refuse.
    const next = ready.length > 0 ? ready : waiting;
    for (const row of next) {
      ordered.push(row);
      placed.add(row[key.referencedColumn]);
    }
    waiting = waiting.filter((r) => !next.includes(r));
  }
  return ordered;
}
