import type { Router } from 'express';
import { createPeopleAdminService } from '../people-admin.service';
import { createRegionAdminService } from '../region-admin.service';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/** Thin routes over grids, people and duties; the services check roles and audit. */
export function peopleAdminRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const regions = createRegionAdminService(deps);
  const people = createPeopleAdminService(deps);

  router.get('/api/admin/regions', async (request, response) => {
    response.json(await regions.list(currentUser(request)));
  });
  router.post('/api/admin/regions', async (request, response) => {
    response.status(201).json(await regions.addRegion(currentUser(request), request.body));
  });
  router.post('/api/admin/regions/boundary/check', async (request, response) => {
    response.json(await regions.checkBoundaryDraft(currentUser(request), request.body));
  });
  router.put('/api/admin/regions/:id/boundary', async (request, response) => {
    response.json(await regions.setBoundary(currentUser(request), request.params.id, request.body));
  });
  router.put('/api/admin/regions/:id/duties/:duty', async (request, response) => {
    const { id, duty } = request.params;
    response.json(await people.setDuty(currentUser(request), id, duty, request.body));
  });

  router.get('/api/admin/people', async (request, response) => {
    response.json(await people.list(currentUser(request)));
  });
  router.post('/api/admin/people', async (request, response) => {
    response.status(201).json(await people.create(currentUser(request), request.body));
  });
  router.patch('/api/admin/people/:id', async (request, response) => {
    response.json(await people.update(currentUser(request), request.params.id, request.body));
  });
  router.post('/api/admin/people/:id/password', async (request, response) => {
    response.json(await people.resetPassword(currentUser(request), request.params.id));
  });
  router.post('/api/admin/people/:id/totp/reset', async (request, response) => {
    response.json(await people.resetTotp(currentUser(request), request.params.id));
  });
  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    router.post(`/api/admin/people/:id/${action}`, async (request, response) => {
      response.json(await people.setEnabled(currentUser(request), request.params.id, enabled));
    });
  }

  return router;
}
