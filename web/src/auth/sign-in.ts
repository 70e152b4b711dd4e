import { apiText, AppError, type User } from '@gridsense/core';
import {
  appendAudit,
  dummyPasswordHash,
  findUserByUsername,
  hashPassword,
  passwordNeedsRehash,
  replacePasswordHash,
  verifyPassword,
  type Logger,
  type UserRecord,
} from '@gridsense/state';
import type { LoginThrottle } from './login-throttle';
import { checkSecondFactor, readSecondFactor } from './second-factor';
import type { SessionDeps, SessionStore } from './session-store';

export type SignInResult =
  | { ok: true; token: string; sessionId: string; user: User; expiresAt: number }
  | { ok: false; retryAfterMs: number };

/** A typed name goes to the log and the audit chain; a pasted novel does not. */
const shown = (username: string): string => username.slice(0, 64);

/**
 * Checks a username and password, then the second factor of a person who has it on (only once
 * the password checked out, so the answer `totp_required` tells nothing about a wrong one). An
 * unknown (or disabled) name is checked against a dummy hash of the same cost, so it takes as
 * long to refuse as a wrong password. A wrong code counts as a failure like a wrong password.
 * Every outcome is logged and appended to the audit chain; a hash of an older cost is redone on
 * success.
 */
export function createSignIn(
  deps: SessionDeps & { logger: Logger },
  sessions: SessionStore,
  throttle: LoginThrottle,
) {
  const audit = (
    action: string,
    record: UserRecord | undefined,
    username: string,
    address: string,
    extra: Record<string, unknown> = {},
  ) =>
    appendAudit(deps.db, [
      {
        at: deps.now(),
        actorId: record?.id ?? '',
        actorName: record?.displayName ?? shown(username),
        action,
        entityType: 'session',
        entityId: record?.id ?? shown(username),
        data: { username: shown(username), address, ...extra },
      },
    ]);

  // Made now, so the first unknown name is not the one that waits for it to be made.
  dummyPasswordHash().catch((error: unknown) =>
    deps.logger.error({ err: error }, 'dummy password hash failed'),
  );

  return async function signIn(input: unknown, address: string): Promise<SignInResult> {
    const { username, password } = (typeof input === 'object' && input !== null ? input : {}) as {
      username?: unknown;
      password?: unknown;
    };
    if (typeof username !== 'string' || typeof password !== 'string')
      throw new AppError('validation_failed', apiText('session.credentialsRequired'));
    const factor = readSecondFactor(input);

    const waitMs = await throttle.waitMs(username, address, deps.now());
    if (waitMs > 0) {
      await throttle.refused(username, address, deps.now());
      deps.logger.warn({ username: shown(username), address, waitMs }, 'sign-in refused: too many attempts');
      return { ok: false, retryAfterMs: waitMs };
    }

    const record = await findUserByUsername(deps.db, username);
    const matches = await verifyPassword(password, record?.passwordHash ?? (await dummyPasswordHash()));
    if (!record || !matches) {
      await throttle.failed(username, address, deps.now());
      deps.logger.warn({ username: shown(username), address }, 'sign-in failed');
      await audit('session.login_failed', record, username, address);
      throw new AppError('unauthenticated', apiText('session.wrongPassword'));
    }

    const second = await checkSecondFactor(deps.db, record.id, factor, deps.now());
    if (second === 'missing') {
      await audit('session.login_totp_required', record, username, address);
      throw new AppError('totp_required', apiText('totp.codeRequired'));
    }
    if (second === 'wrong') {
      await throttle.failed(username, address, deps.now());
      deps.logger.warn({ userId: record.id, address }, 'sign-in failed: wrong second factor');
      await audit('session.login_totp_failed', record, username, address);
      throw new AppError('unauthenticated', apiText('totp.wrongOrUsedCode'));
    }
    if (second === 'recovery_code') await audit('totp.recovery_used', record, username, address);

    await throttle.succeeded(username);
    if (passwordNeedsRehash(record.passwordHash))
      await replacePasswordHash(deps.db, record.id, await hashPassword(password));
    const started = await sessions.start(record.id);
    deps.logger.info({ userId: record.id, address }, 'signed in');
    await audit('session.login', record, username, address, {
      factor: second === 'not_enabled' ? 'password' : second,
    });
    const { passwordHash: _hash, ...user } = record;
    return { ok: true, ...started, user };
  };
}
