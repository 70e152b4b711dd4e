import { sql } from 'kysely';
import type { StateDb } from './database';
import { dialectOf } from './dialect';

/**
 * Runs `work` while holding this grid's intake lock, so case intake and fusion for one grid run one
 * at a time across every process sharing PostgreSQL: two signals for one cause cannot each find
 * no open case and open two. A session advisory lock on a connection of its own, held while `work`
 * uses the pool, and released even when it fails. SQLite serves one process, whose intake queue
 * already runs one at a time: nothing to take there.
 */
export async function withGridLock<T>(db: StateDb, gridId: string, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return work();
  const key = `gridsense.grid:${gridId}`;
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
    }
  });
}
