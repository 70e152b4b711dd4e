import { AppError, parseCaseCommand } from '@gridsense/core';
import { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

/** Thin routes: the case service checks scope and decides every move. */
export function caseRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/api/cases', async (request, response) => {
    const scope = request.query.scope ?? 'open';
    if (scope !== 'open' && scope !== 'all')
      throw new AppError('validation_failed', 'scope must be open or all');
    response.json(await deps.cases.list(currentUser(request), { openOnly: scope === 'open' }));
  });

  router.get('/api/cases/:id', async (request, response) => {
    response.json(await deps.cases.detail(currentUser(request), request.params.id));
  });

  router.post('/api/cases/:id/actions', async (request, response) => {
    const parsed = parseCaseCommand(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', 'invalid case action', parsed.errors);
    response.json(await deps.cases.act(currentUser(request), request.params.id, parsed.command));
  });

  return router;
}
