import { apiText, AppError } from '@gridsense/core';
import { situationView } from '@gridsense/alerts/situation';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/** 态势: the leaders' dashboard for the reader's region or a region under it. */
export function situationRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  router.get('/api/situation', async (request, response) => {
    const { regionId } = request.query;
    if (regionId !== undefined && (typeof regionId !== 'string' || !/^[\w.-]{1,64}$/.test(regionId)))
      throw new AppError('validation_failed', apiText('field.regionId', { field: 'regionId' }));
    response.json(
      await situationView(
        deps.db,
        deps.cases.regions(),
        deps.registry.all(),
        currentUser(request),
        regionId ? { regionId } : {},
        deps.now(),
      ),
    );
  });

  return router;
}
