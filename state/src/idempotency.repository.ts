import type { StateDb } from './database';

/** The table of migration 0026. */
// A type, not an interface: `withTables` needs its implicit index signature.
export type IdempotencyTables = {
  idempotent_requests: {
    user_id: string;
    key: string;
    fingerprint: string;
    status: number | null;
    response: string | null;
    created_at: number;
  };
};

const tables = (db: StateDb) => db.withTables<IdempotencyTables>();

/** How long a key is remembered: a phone's offline queue is replayed well within a day. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A first request that has not answered after this long died with its process: the key is taken
 * over, so a crash never leaves it refusing for a day.
 */
export const IDEMPOTENCY_STALE_MS = 2 * 60 * 1000;

export type IdempotencyClaim =
  /** The first request with this key: run it, then `rememberAnswer` or `forgetClaim`. */
  | { kind: 'claimed' }
  /** Answered before: send this again instead of running it. */
  | { kind: 'answered'; status: number; body: unknown }
  /** The first request with this key is still running. */
  | { kind: 'running' }
  /** The key came with a different request before. */
  | { kind: 'mismatch' };

export interface IdempotencyRequest {
  userId: string;
  key: string;
  /** A hash of what was asked (method, path, body). */
  fingerprint: string;
  now: number;
}

/** Claims a person's key for a request, or says what became of the request first sent with it. */
export async function claimIdempotencyKey(
  db: StateDb,
  request: IdempotencyRequest,
): Promise<IdempotencyClaim> {
  const { userId, key, fingerprint, now } = request;
  // Keys older than a day are forgotten (the index on created_at keeps this cheap).
  await tables(db)
    .deleteFrom('idempotent_requests')
    .where('created_at', '<', now - IDEMPOTENCY_TTL_MS)
    .execute();
  const inserted = await tables(db)
    .insertInto('idempotent_requests')
    .values({ user_id: userId, key, fingerprint, status: null, response: null, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { kind: 'claimed' };

  const row = await tables(db)
    .selectFrom('idempotent_requests')
    .selectAll()
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  // Answered and swept between the two statements: claim it afresh.
  if (!row) return claimIdempotencyKey(db, request);
  if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (row.status !== null && row.response !== null)
    return { kind: 'answered', status: Number(row.status), body: JSON.parse(row.response) as unknown };
  if (Number(row.created_at) > now - IDEMPOTENCY_STALE_MS) return { kind: 'running' };
  const taken = await tables(db)
    .updateTable('idempotent_requests')
    .set({ created_at: now })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('status', 'is', null)
    .where('created_at', '=', row.created_at)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) > 0 ? { kind: 'claimed' } : { kind: 'running' };
}

/** Keeps a claimed request's answer for replays of its key. */
export async function rememberAnswer(
  db: StateDb,
  answer: { userId: string; key: string; status: number; body: unknown },
): Promise<void> {
  await tables(db)
    .updateTable('idempotent_requests')
    .set({ status: answer.status, response: JSON.stringify(answer.body ?? null) })
    .where('user_id', '=', answer.userId)
    .where('key', '=', answer.key)
    .execute();
}

/** Lets a key go again (its request failed without changing anything), so a retry runs afresh. */
export async function forgetClaim(db: StateDb, userId: string, key: string): Promise<void> {
  await tables(db)
    .deleteFrom('idempotent_requests')
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('status', 'is', null)
    .execute();
}
