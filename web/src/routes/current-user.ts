import { AppError, type User } from '@gridsense/core';
import type { RequestHandler, Request } from 'express';
import { readToken, userFromToken } from '../auth/authenticate';
import type { WebDeps } from '../web-deps';

const USER = Symbol('user');
type WithUser = Request & { [USER]?: User };

/** Resolves the caller for every /api route except login; 401 when there is no valid session. */
export function requireUser(deps: WebDeps): RequestHandler {
  return async (request, _response, next) => {
    if (request.path === '/session' && request.method === 'POST') return next();
    (request as WithUser)[USER] = await userFromToken(deps.db, deps.tokens, readToken(request), deps.now());
    next();
  };
}

export function currentUser(request: Request): User {
  const user = (request as WithUser)[USER];
  if (!user) throw new AppError('unauthenticated', 'please log in');
  return user;
}
