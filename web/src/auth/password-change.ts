import { apiText, AppError, passwordProblems } from '@gridsense/core';
import {
  changeOwnPassword,
  findPasswordState,
  hashPassword,
  verifyPassword,
  type Logger,
} from '@gridsense/state';
import type { LoginThrottle } from './login-throttle';
import { announceSessionsEnded, type SessionDeps, type SignedIn } from './session-store';

/**
 * A person changes their own password with the current one (throttled like sign-in, so a
 * session left open is no password oracle). The new one must meet the policy; the person's
 * other sessions end, this one stays and is no longer limited to changing the password.
 * Returns false when the attempt was refused for waiting (`retryAfterMs` then says how long).
 */
export function createPasswordChange(deps: SessionDeps & { logger: Logger }, throttle: LoginThrottle) {
  return async function changePassword(
    signedIn: SignedIn,
    input: unknown,
    address: string,
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const { currentPassword, newPassword } = (typeof input === 'object' && input !== null ? input : {}) as {
      currentPassword?: unknown;
      newPassword?: unknown;
    };
    const { user } = signedIn;
    if (typeof currentPassword !== 'string' || typeof newPassword !== 'string')
      throw new AppError('validation_failed', apiText('password.bothRequired'));
    const errors = passwordProblems(newPassword, user.username);
    if (newPassword === currentPassword) errors.push(apiText('password.sameAsCurrent'));
    if (errors.length > 0) throw new AppError('validation_failed', apiText('password.invalid'), errors);

    const waitMs = await throttle.waitMs(user.username, address, deps.now());
    if (waitMs > 0) {
      await throttle.refused(user.username, address, deps.now());
      return { ok: false, retryAfterMs: waitMs };
    }
    const state = await findPasswordState(deps.db, user.id);
    if (!state || !(await verifyPassword(currentPassword, state.passwordHash))) {
      await throttle.failed(user.username, address, deps.now());
      deps.logger.warn({ userId: user.id, address }, 'password change: wrong current password');
      throw new AppError('validation_failed', apiText('password.invalid'), [
        apiText('password.currentWrong'),
      ]);
    }
    await throttle.succeeded(user.username);
    const ended = await changeOwnPassword(
      deps.db,
      user,
      await hashPassword(newPassword),
      deps.now(),
      signedIn.sessionId,
    );
    deps.logger.info({ userId: user.id, endedSessions: ended.length }, 'password changed');
    await announceSessionsEnded(deps, user.id, ended);
    return { ok: true };
  };
}
