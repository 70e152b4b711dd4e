import type { Role, User } from '@gridsense/core';
import type { StateDb } from './database';

/**
 * People's sessions, looked up by a hash of their token (the token itself is never stored).
 * Deleting a row ends the session everywhere; the ids of ended sessions are returned so the
 * caller can tell the web gateway to drop their sockets.
 */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  user: User;
  passwordChangedAt: number;
  mustChangePassword: boolean;
  /** Two-factor sign-in is on for the person. */
  totpEnabled: boolean;
}

export async function insertSession(
  db: StateDb,
  session: { id: string; tokenHash: string; userId: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      token_hash: session.tokenHash,
      user_id: session.userId,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
    })
    .execute();
}

/** The session and its person; none when the person is disabled. */
export async function findSessionByTokenHash(
  db: StateDb,
  tokenHash: string,
): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('user_totp', 'user_totp.user_id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.username',
      'users.display_name',
      'users.role',
      'users.region_id',
      'users.password_changed_at',
      'users.must_change_password',
      'user_totp.enabled_at as totp_enabled_at',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('users.enabled', '=', 1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    user: {
      id: row.user_id,
      username: row.username,
      displayName: row.display_name,
      role: row.role as Role,
      regionId: row.region_id,
    },
    passwordChangedAt: row.password_changed_at,
    mustChangePassword: row.must_change_password === 1,
    totpEnabled: row.totp_enabled_at !== null,
  };
}

export async function touchSession(db: StateDb, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function deleteSession(db: StateDb, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a person, or all but `keepId` (the one that changed the password). */
export async function endUserSessions(db: StateDb, userId: string, keepId?: string): Promise<string[]> {
  let query = db.selectFrom('sessions').select('id').where('user_id', '=', userId);
  if (keepId !== undefined) query = query.where('id', '!=', keepId);
  const ids = (await query.execute()).map((row) => row.id);
  if (ids.length > 0) await db.deleteFrom('sessions').where('id', 'in', ids).execute();
  return ids;
}

/** Which of these sessions are still alive (not idle, not expired, their person enabled). */
export async function liveSessionIds(
  db: StateDb,
  ids: readonly string[],
  now: number,
  idleTimeoutMs: number,
): Promise<Set<string>> {
  const live = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('sessions.id')
      .where('sessions.id', 'in', ids.slice(start, start + 500))
      .where('sessions.expires_at', '>', now)
      .where('sessions.last_seen_at', '>', now - idleTimeoutMs)
      .where('users.enabled', '=', 1)
      .execute();
    for (const row of rows) live.add(row.id);
  }
  return live;
}

/** Deletes sessions that have expired or gone idle. */
export async function deleteStaleSessions(db: StateDb, now: number, idleTimeoutMs: number): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleTimeoutMs)]))
    .execute();
}
