import type { Router } from 'express';
import { createContactsService } from '../contacts.service';
import { declaredRouter } from '../route-actions';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

/** People's work phones and messaging ids (administrators), and the colleagues to call on a case. */
export function contactRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const contacts = createContactsService(deps);

  router.get('/api/admin/people/:id/contacts', async (request, response) => {
    response.json(await contacts.get(currentUser(request), request.params.id));
  });
  router.put('/api/admin/people/:id/contacts', async (request, response) => {
    response.json(await contacts.set(currentUser(request), request.params.id, request.body));
  });
  router.get('/api/cases/:id/contacts', async (request, response) => {
    response.json(await contacts.forCase(currentUser(request), request.params.id));
  });

  return router;
}
