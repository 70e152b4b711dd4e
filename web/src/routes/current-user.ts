import { apiText, AppError, type User } from '@gridsense/core';
import type { Request, RequestHandler } from 'express';
import { clearSessionCookie, readSessionToken } from '../auth/session-cookie';
import { createSessionStore, type SignedIn } from '../auth/session-store';
import type { WebDeps } from '../web-deps';

const SESSION = Symbol('session');
type WithSession = Request & { [SESSION]?: SignedIn };

/** What a session that must change its password first may still do (paths under /api). */
const OPEN_WHILE_CHANGE_REQUIRED = new Set(['GET /session', 'DELETE /session', 'POST /me/password']);
/** What a session that must set up two-factor sign-in first may still do. */
const OPEN_WHILE_ENROLMENT_REQUIRED = new Set([
  'GET /session',
  'DELETE /session',
  'POST /me/totp',
  'POST /me/totp/confirm',
]);

/**
 * Resolves the caller's session for every /api route except sign-in; 401 without a live one.
 * Each request counts as activity for the idle timeout. A session that must change its password
 * gets 403 `password_change_required` everywhere but changing it (and signing out); then one
 * whose role requires two-factor sign-in and has none gets 403 `totp_enrolment_required`
 * everywhere but enrolling.
 */
export function requireUser(deps: WebDeps): RequestHandler {
  const sessions = createSessionStore(deps);
  return async (request, response, next) => {
    if (request.path === '/session' && request.method === 'POST') return next();
    const token = readSessionToken(request);
    const signedIn = await sessions.resolve(token);
    if (!signedIn) {
      // An ended session's cookie is of no further use: let the browser drop it.
      if (token) clearSessionCookie(response, request);
      throw new AppError('unauthenticated', apiText('session.logInFirst'));
    }
    if (
      signedIn.passwordChangeRequired &&
      !OPEN_WHILE_CHANGE_REQUIRED.has(`${request.method} ${request.path}`)
    )
      throw new AppError('password_change_required', apiText('session.changePasswordFirst'));
    if (
      signedIn.totpEnrolmentRequired &&
      !signedIn.passwordChangeRequired &&
      !OPEN_WHILE_ENROLMENT_REQUIRED.has(`${request.method} ${request.path}`)
    )
      throw new AppError('totp_enrolment_required', apiText('totp.enrolFirst'));
    (request as WithSession)[SESSION] = signedIn;
    next();
  };
}

export function currentSession(request: Request): SignedIn {
  const signedIn = (request as WithSession)[SESSION];
  if (!signedIn) throw new AppError('unauthenticated', apiText('session.logInFirst'));
  return signedIn;
}

export function currentUser(request: Request): User {
  return currentSession(request).user;
}
