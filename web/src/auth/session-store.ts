import type { Bus, SessionPolicy, SessionView, User } from '@gridsense/core';
import {
  deleteSession,
  deleteStaleSessions,
  findSessionByTokenHash,
  insertSession,
  liveSessionIds,
  touchSession,
  type SessionRecord,
  type StateDb,
} from '@gridsense/state';
import { createHash, randomBytes } from 'node:crypto';
import { totpRequiredFor } from './second-factor';

/** A request's signed-in session. */
export interface SignedIn {
  sessionId: string;
  user: User;
  passwordChangeRequired: boolean;
  totpEnabled: boolean;
  /** The role requires two-factor sign-in and it is not on yet: only enrolling is allowed. */
  totpEnrolmentRequired: boolean;
  expiresAt: number;
}

export interface SessionDeps {
  db: StateDb;
  bus: Bus;
  session: SessionPolicy;
  now: () => number;
}

/** Writing last-seen on every request would cost a write per API call; this often is enough. */
const TOUCH_EVERY_MS = 15_000;

/** Tokens are 256-bit random values, so a fast hash is enough to keep them out of the database. */
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** An administrator issued the password, or it has reached the maximum age. */
export function passwordChangeRequired(record: SessionRecord, policy: SessionPolicy, now: number): boolean {
  const tooOld = policy.passwordMaxAgeMs > 0 && now - record.passwordChangedAt >= policy.passwordMaxAgeMs;
  return record.mustChangePassword || tooOld;
}

export function sessionView(signedIn: SignedIn, policy: SessionPolicy): SessionView {
  return {
    user: signedIn.user,
    passwordChangeRequired: signedIn.passwordChangeRequired,
    idleTimeoutMs: policy.idleTimeoutMs,
    expiresAt: signedIn.expiresAt,
    totpEnabled: signedIn.totpEnabled,
    totpEnrolmentRequired: signedIn.totpEnrolmentRequired,
  };
}

/** Tells the web gateway (here or in another process) to drop the sockets of ended sessions. */
export async function announceSessionsEnded(deps: SessionDeps, userId: string, sessionIds: string[]) {
  if (sessionIds.length > 0)
    await deps.bus.publish('user.sessions_ended', { userId, sessionIds, at: deps.now() });
}

/**
 * Server-side sessions: a random token in the person's cookie, its hash in the state database.
 * A session ends on sign-out, after `idleTimeoutMs` without a request, `lifetimeMs` after sign-in,
 * or when an administrator changes the person (see people-admin.repository.ts).
 */
export function createSessionStore(deps: SessionDeps) {
  const { db, session: policy } = deps;

  return {
    /** A new session for a person who has just proved who they are; the token goes to the cookie only. */
    async start(userId: string): Promise<{ token: string; sessionId: string; expiresAt: number }> {
      const now = deps.now();
      // Sign-ins are rare: a good moment to forget sessions nobody will use again.
      await deleteStaleSessions(db, now, policy.idleTimeoutMs);
      const token = randomBytes(32).toString('base64url');
      const sessionId = randomBytes(16).toString('hex');
      const expiresAt = now + policy.lifetimeMs;
      await insertSession(db, { id: sessionId, tokenHash: hashToken(token), userId, now, expiresAt });
      return { token, sessionId, expiresAt };
    },

    /** The live session a token belongs to (and a note of the activity), or undefined. */
    async resolve(token: string | undefined): Promise<SignedIn | undefined> {
      if (!token) return undefined;
      const record = await findSessionByTokenHash(db, hashToken(token));
      if (!record) return undefined;
      const now = deps.now();
      if (now >= record.expiresAt || now - record.lastSeenAt >= policy.idleTimeoutMs) {
        await deleteSession(db, record.id);
        return undefined;
      }
      if (now - record.lastSeenAt >= TOUCH_EVERY_MS) await touchSession(db, record.id, now);
      return {
        sessionId: record.id,
        user: record.user,
        passwordChangeRequired: passwordChangeRequired(record, policy, now),
        totpEnabled: record.totpEnabled,
        totpEnrolmentRequired: !record.totpEnabled && totpRequiredFor(record.user.role),
        expiresAt: record.expiresAt,
      };
    },

    /** Sign-out: this session ends here and on every socket it opened. */
    async end(signedIn: SignedIn): Promise<void> {
      await deleteSession(db, signedIn.sessionId);
      await announceSessionsEnded(deps, signedIn.user.id, [signedIn.sessionId]);
    },

    /** Which of these sessions are still alive (the gateway's sweep of idle sockets). */
    liveIds(sessionIds: readonly string[]): Promise<Set<string>> {
      return liveSessionIds(db, sessionIds, deps.now(), policy.idleTimeoutMs);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
