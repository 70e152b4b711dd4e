import { apiText, AppError } from '@gridsense/core';
import { parseSuggestRequest } from '@gridsense/core/intake-classifier';
import { createIntakeSuggester } from '@gridsense/alerts/intake-suggester';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

const DAY_MS = 86_400_000;

/** 智能分拨: category suggestions for the hotline and patrol forms, and how often they were right. */
export function intakeRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const suggester = createIntakeSuggester({
    db: deps.db,
    now: deps.now,
    regions: () => deps.cases.regions(),
  });

  router.post('/api/intake/suggest', async (request, response) => {
    const parsed = parseSuggestRequest(request.body);
    if (!parsed.ok)
      throw new AppError('validation_failed', apiText('invalid.suggestionRequest'), parsed.errors);
    response.json(await suggester.suggest(currentUser(request), parsed.text));
  });

  /** Top-1 / top-3 agreement of kept suggestions with the chosen category (`?from=` epoch ms, default 30 days). */
  router.get('/api/intake/agreement', async (request, response) => {
    const { from } = request.query;
    const start = from === undefined ? deps.now() - 30 * DAY_MS : Number(from);
    if (!Number.isFinite(start))
      throw new AppError('validation_failed', apiText('field.epochMs', { field: 'from' }));
    response.json(await suggester.agreement(currentUser(request), start));
  });

  return router;
}
