import { apiText, AppError } from '@gridsense/core';
import { caseAnalytics } from '@gridsense/alerts';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

const DAY_MS = 86_400_000;

/** 三率, MTTA/MTTR, breakdowns and trends; definitions in the response and in ARCHITECTURE.md. */
export function analyticsRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  router.get('/api/analytics/cases', async (request, response) => {
    const now = deps.now();
    const { from, to, regionId } = request.query;
    const end = to === undefined ? now : Number(to);
    const start = from === undefined ? end - 30 * DAY_MS : Number(from);
    if (!Number.isFinite(start) || !Number.isFinite(end))
      throw new AppError('validation_failed', apiText('range.epochMs'));
    if (regionId !== undefined && typeof regionId !== 'string')
      throw new AppError('validation_failed', apiText('field.regionId', { field: 'regionId' }));
    response.json(
      await caseAnalytics(
        deps.db,
        deps.cases.regions(),
        currentUser(request),
        { from: start, to: end, ...(regionId ? { regionId } : {}) },
        now,
      ),
    );
  });

  return router;
}
