import { createPlaceService, type PlaceService } from '@gridsense/alerts';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/**
 * 重点场所: the places in the person's scope with their levels and why, the admin's register of
 * places, devices and level rules, and the grid worker's 巡检 check-in. The service checks the
 * scope and the input; the ticker that schedules and escalates inspections runs in alerts.
 */
export function placeRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  // Built at the first request: the route factories only close over their dependencies.
  let service: PlaceService | undefined;
  const places = (): PlaceService => (service ??= createPlaceService(deps.cases));
  const body = (request: { body?: unknown }): Record<string, unknown> =>
    typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>)
      : {};

  router.get('/api/places', async (request, response) => {
    response.json(await places().list(currentUser(request)));
  });
  router.get('/api/place-rules', async (request, response) => {
    response.json(await places().rules(currentUser(request)));
  });
  router.get('/api/places/:id', async (request, response) => {
    response.json(await places().get(currentUser(request), request.params.id));
  });
  router.post('/api/places/:id/inspections', async (request, response) => {
    response.status(201).json(await places().checkIn(currentUser(request), request.params.id, body(request)));
  });

  router.post('/api/admin/places', async (request, response) => {
    response.status(201).json(await places().create(currentUser(request), request.body));
  });
  router.put('/api/admin/places/:id', async (request, response) => {
    response.json(await places().update(currentUser(request), request.params.id, request.body));
  });
  router.delete('/api/admin/places/:id', async (request, response) => {
    await places().remove(currentUser(request), request.params.id);
    response.status(204).end();
  });
  router.put('/api/admin/places/:id/devices', async (request, response) => {
    response.json(
      await places().setDevices(currentUser(request), request.params.id, body(request).deviceIds),
    );
  });
  router.put('/api/admin/place-rules', async (request, response) => {
    response.json(await places().setRules(currentUser(request), request.body));
  });

  return router;
}
