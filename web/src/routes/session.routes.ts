import { AppError, type SessionView } from '@gridsense/core';
import { findUserByUsername, verifyPassword } from '@gridsense/state';
import { Router } from 'express';
import { SESSION_COOKIE } from '../auth/authenticate';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

export function sessionRoutes(deps: WebDeps): Router {
  const router = Router();

  router.post('/api/session', async (request, response) => {
    const { username, password } = (request.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new AppError('validation_failed', 'username and password are required');
    }
    const record = await findUserByUsername(deps.db, username);
    if (!record || !(await verifyPassword(password, record.passwordHash))) {
      throw new AppError('unauthenticated', 'wrong username or password');
    }
    const token = deps.tokens.issue(record.id, record.passwordHash, deps.now());
    const { passwordHash: _hash, ...user } = record;
    response.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' });
    const view: SessionView = { token, user };
    response.json(view);
  });

  router.delete('/api/session', (_request, response) => {
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.status(204).end();
  });

  router.get('/api/me', (request, response) => {
    response.json(currentUser(request));
  });

  return router;
}
