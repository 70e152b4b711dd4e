import {
  apiText,
  AppError,
  type SessionView,
  type TotpConfirmedView,
  type TotpEnrolmentView,
} from '@gridsense/core';
import { appendAudit } from '@gridsense/state';
import { Router, type Request, type Response } from 'express';
import { LoginThrottle } from '../auth/login-throttle';
import { createPasswordChange } from '../auth/password-change';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie';
import { createSessionStore, sessionView } from '../auth/session-store';
import { createSignIn } from '../auth/sign-in';
import { createTotpEnrolment } from '../auth/totp-enrolment';
import type { WebDeps } from '../web-deps';
import { currentSession, currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/** The connecting address (a proxy in front would need Express's `trust proxy` to be seen through). */
const addressOf = (request: Request): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';

function tooManyAttempts(response: Response, retryAfterMs: number): never {
  response.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  throw new AppError('too_many_requests', apiText('session.tooManyAttempts'));
}

/**
 * Sign-in, the session, sign-out, one's own password and two-factor enrolment; the token is only
 * ever in the cookie.
 */
export function sessionRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const sessions = createSessionStore(deps);
  const throttle = new LoginThrottle(deps.db);
  const signIn = createSignIn(deps, sessions, throttle);
  const changePassword = createPasswordChange(deps, throttle);
  const totp = createTotpEnrolment(deps);

  router.post('/api/session', async (request, response) => {
    const result = await signIn(request.body, addressOf(request));
    if (!result.ok) return tooManyAttempts(response, result.retryAfterMs);
    setSessionCookie(response, request, result.token, deps.session.lifetimeMs);
    // The password's state is read through the new session, as every later request will.
    const signedIn = await sessions.resolve(result.token);
    if (!signedIn) throw new AppError('unauthenticated', apiText('session.logInFirst'));
    response.json(sessionView(signedIn, deps.session) satisfies SessionView);
  });

  router.get('/api/session', (request, response) => {
    response.json(sessionView(currentSession(request), deps.session) satisfies SessionView);
  });

  router.delete('/api/session', async (request, response) => {
    const signedIn = currentSession(request);
    await sessions.end(signedIn);
    const { user } = signedIn;
    await appendAudit(deps.db, [
      {
        at: deps.now(),
        actorId: user.id,
        actorName: user.displayName,
        action: 'session.logout',
        entityType: 'session',
        entityId: user.id,
        data: null,
      },
    ]);
    clearSessionCookie(response, request);
    response.status(204).end();
  });

  router.get('/api/me', (request, response) => {
    response.json(currentUser(request));
  });

  router.post('/api/me/password', async (request, response) => {
    const signedIn = currentSession(request);
    const result = await changePassword(signedIn, request.body, addressOf(request));
    if (!result.ok) return tooManyAttempts(response, result.retryAfterMs);
    const view: SessionView = sessionView({ ...signedIn, passwordChangeRequired: false }, deps.session);
    response.json(view);
  });

  router.post('/api/me/totp', async (request, response) => {
    response.json((await totp.start(currentSession(request))) satisfies TotpEnrolmentView);
  });

  router.post('/api/me/totp/confirm', async (request, response) => {
    const signedIn = currentSession(request);
    const recoveryCodes = await totp.confirm(signedIn, request.body);
    const session = sessionView(
      { ...signedIn, totpEnabled: true, totpEnrolmentRequired: false },
      deps.session,
    );
    response.json({ session, recoveryCodes } satisfies TotpConfirmedView);
  });

  return router;
}
