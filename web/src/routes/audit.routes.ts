import type { Router } from 'express';
import { createAuditService } from '../audit.service';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/**
 * The keyed, anchored audit log: read it (scoped to the reader's region), check that no entry was
 * changed, removed or reordered, and record an export the console made. Reads are recorded too.
 */
export function auditRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const audit = createAuditService(deps);

  router.get('/api/audit/verify', async (request, response) => {
    response.json(await audit.verify(currentUser(request)));
  });

  router.get('/api/audit', async (request, response) => {
    response.json(await audit.list(currentUser(request), request.query));
  });

  router.post('/api/audit/exports', async (request, response) => {
    const body: unknown = request.body;
    await audit.recordExport(
      currentUser(request),
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {},
    );
    response.status(204).end();
  });

  return router;
}
