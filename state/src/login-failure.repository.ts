import type { StateDb } from './database';
import { dialectOf } from './dialect';

/** A key's failed sign-in attempts: how many, until when the next one waits, the last one's time. */
export interface LoginFailures {
  count: number;
  blockedUntil: number;
  lastAt: number;
}

export async function findLoginFailures(db: StateDb, key: string): Promise<LoginFailures | undefined> {
  const row = await db
    .selectFrom('login_failures')
    .select(['count', 'blocked_until', 'last_at'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row && row.count > 0
    ? { count: row.count, blockedUntil: Number(row.blocked_until), lastAt: Number(row.last_at) }
    : undefined;
}

/**
 * Replaces a key's failures with `change(current)` (undefined removes them), one writer at a time
 * per key: on PostgreSQL the row is locked for the read and the write, so two web nodes failing
 * the same account at once both count. SQLite serves one process and its transactions run one by one.
 */
export async function changeLoginFailures(
  db: StateDb,
  key: string,
  change: (current: LoginFailures | undefined) => LoginFailures | undefined,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const postgres = dialectOf(db) === 'postgres';
    if (postgres)
      await tx
        .insertInto('login_failures')
        .values({ key, count: 0, blocked_until: 0, last_at: 0 })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    const select = tx
      .selectFrom('login_failures')
      .select(['count', 'blocked_until', 'last_at'])
      .where('key', '=', key);
    const row = await (postgres ? select.forUpdate() : select).executeTakeFirst();
    // The placeholder row inserted above (count 0) reads as no failures.
    const current =
      row && row.count > 0
        ? { count: row.count, blockedUntil: Number(row.blocked_until), lastAt: Number(row.last_at) }
        : undefined;
    const next = change(current);
    if (!next) {
      await tx.deleteFrom('login_failures').where('key', '=', key).execute();
      return;
    }
    const values = { count: next.count, blocked_until: next.blockedUntil, last_at: next.lastAt };
    await tx
      .insertInto('login_failures')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  });
}

/** Removes keys without an attempt since `before`; returns how many. */
export async function sweepLoginFailures(db: StateDb, before: number): Promise<number> {
  const result = await db.deleteFrom('login_failures').where('last_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
