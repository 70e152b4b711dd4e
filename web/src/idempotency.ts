import { apiText, AppError } from '@gridsense/core';
import { claimIdempotencyKey, forgetClaim, rememberAnswer, type StateDb } from '@gridsense/state';
import type { Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';
import { currentUser } from './routes/current-user';

/** Express's route parameters, as a route without its own path types has them. */
type ParamsDictionary = Request['params'];

/** Letters, digits and `-_.:`; a UUID fits, and so does any key a client makes up sensibly. */
const KEY = /^[\w.:-]{8,100}$/;

/** The header a replayed answer carries, so a client (and a log) can tell it from a fresh one. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

const fingerprintOf = (method: string, path: string, body: unknown): string =>
  createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');

/**
 * `Idempotency-Key` on a write (the phone's offline queue sends one with every move and report):
 * the first request with a key runs, and its successful answer is kept for a day; the same
 * request again gets that answer back instead of running twice, so a replay after a lost response
 * applies nothing twice. A failed request keeps nothing: its retry runs afresh and meets the
 * case as it is then. A key reused for a different request, or sent again while its first request
 * still runs, is refused. Without the header the route runs as always.
 */
export function idempotentWrite<Params extends ParamsDictionary = ParamsDictionary>(deps: {
  db: StateDb;
  now: () => number;
}): RequestHandler<Params> {
  // Generic in the route's parameters, so a route's own `:id` keeps its type beside this handler.
  return (request, response, next) => {
    const key = request.get('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key))
      return next(new AppError('validation_failed', apiText('request.idempotencyKeyShape')));
    const userId = currentUser(request).id;
    const fingerprint = fingerprintOf(request.method, request.originalUrl, request.body);
    void claimIdempotencyKey(deps.db, { userId, key, fingerprint, now: deps.now() }).then((claim) => {
      switch (claim.kind) {
        case 'answered':
          response.set(REPLAYED_HEADER, 'true').status(claim.status).json(claim.body);
          return;
        case 'running':
          return next(new AppError('conflict', apiText('request.idempotencyKeyRunning')));
        case 'mismatch':
          return next(new AppError('validation_failed', apiText('request.idempotencyKeyReused')));
        case 'claimed':
          keepAnswer(response, deps.db, userId, key);
          return next();
      }
    }, next);
  };
}

/**
 * Stores the route's answer before it is sent (a response lost on the way is then still there to
 * replay); an error answer lets the key go instead.
 */
function keepAnswer(response: Response, db: StateDb, userId: string, key: string): void {
  const send = response.json.bind(response);
  response.json = (body: unknown) => {
    const status = response.statusCode;
    const kept =
      status >= 200 && status < 300
        ? rememberAnswer(db, { userId, key, status, body })
        : forgetClaim(db, userId, key);
    void kept.then(
      () => send(body),
      // The move itself is done; failing to keep its answer must not hide it from the client.
      () => send(body),
    );
    return response;
  };
}
