import { apiText, AppError } from '@gridsense/core';
import type { Router } from 'express';
import { createDeviceAdminService, type DeviceFilter } from '../device-admin.service';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/** `?gridId=&type=&online=true|false`; an empty value means no filter. */
function parseFilter(query: Record<string, unknown>): DeviceFilter {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const online = text(query.online);
  if (online !== undefined && online !== 'true' && online !== 'false')
    throw new AppError('validation_failed', apiText('invalid.filter'), [
      apiText('field.mustBeTrueOrFalse', { field: 'online' }),
    ]);
  const gridId = text(query.gridId);
  const type = text(query.type);
  return {
    ...(gridId ? { gridId } : {}),
    ...(type ? { type } : {}),
    ...(online ? { online: online === 'true' } : {}),
  };
}

/** Thin routes over the device registry; the service checks roles and audits. */
export function deviceAdminRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const devices = createDeviceAdminService(deps);

  router.get('/api/devices', async (request, response) => {
    response.json(await devices.list(currentUser(request), parseFilter(request.query)));
  });
  router.post('/api/devices', async (request, response) => {
    response.status(201).json(await devices.register(currentUser(request), request.body));
  });
  router.post('/api/devices/:id/secret', async (request, response) => {
    response.json(await devices.rotateSecret(currentUser(request), request.params.id));
  });
  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    router.post(`/api/devices/:id/${action}`, async (request, response) => {
      response.json(await devices.setEnabled(currentUser(request), request.params.id, enabled));
    });
  }

  return router;
}
