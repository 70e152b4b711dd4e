import { apiText, AppError, parseCaseSplit } from '@gridsense/core';
import type { Router } from 'express';
import { declaredRouter } from '../route-actions';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

/** Merge candidates and 拆分: thin routes, the case service checks scope and decides. */
export function caseMergeSplitRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  /** Open cases that may be the same matter: same caller (一人多诉), same grid and category (多人一诉). */
  router.get('/api/cases/:id/merge-candidates', async (request, response) => {
    response.json(await deps.cases.mergeCandidates(currentUser(request), request.params.id));
  });

  /** The other matter of a case becomes a new case; both are answered. */
  router.post('/api/cases/:id/split', async (request, response) => {
    const parsed = parseCaseSplit(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('split.invalid'), parsed.errors);
    response.status(201).json(await deps.cases.split(currentUser(request), request.params.id, parsed.value));
  });

  return router;
}
