import { AppError } from '@gridsense/core';
import { listDeviceRejects } from '@gridsense/state';
import { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

const AGGREGATES = ['mean', 'min', 'max', 'last', 'count'] as const;
type Aggregate = (typeof AGGREGATES)[number];

export function deviceRoutes(deps: WebDeps): Router {
  const router = Router();

  async function visibleDevice(request: Parameters<Parameters<Router['get']>[1]>[0], id: string) {
    const device = deps.registry.get(id);
    if (!device || !(await deps.cases.visibleGrids(currentUser(request))).includes(device.gridId)) {
      throw new AppError('not_found', `device ${id} not found`);
    }
    return device;
  }

  router.get('/api/devices/:id', async (request, response) => {
    const { secretHash: _secret, ...device } = await visibleDevice(request, request.params.id);
    response.json({
      ...device,
      latest: await deps.store.latest(device.id),
      rejects: await listDeviceRejects(deps.db, device.id),
    });
  });

  router.get('/api/devices/:id/series', async (request, response) => {
    const device = await visibleDevice(request, request.params.id);
    const now = deps.now();
    const metric = String(request.query.metric ?? '');
    const from = Number(request.query.from ?? now - 3600_000);
    const to = Number(request.query.to ?? now);
    const windowMs = Number(request.query.windowMs ?? Math.max(1000, Math.round((to - from) / 200)));
    const agg = String(request.query.agg ?? 'mean') as Aggregate;
    const errors: string[] = [];
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(metric)) errors.push('metric is required');
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to)
      errors.push('from must be before to (epoch ms)');
    if (!Number.isFinite(windowMs) || windowMs < 1000) errors.push('windowMs must be ≥ 1000');
    else if ((to - from) / windowMs > 5000) errors.push('at most 5,000 windows per query');
    if (!AGGREGATES.includes(agg)) errors.push(`agg must be one of ${AGGREGATES.join(', ')}`);
    if (errors.length > 0) throw new AppError('validation_failed', 'invalid series query', errors);
    response.json(await deps.store.range({ deviceId: device.id, metric, from, to, windowMs, agg }));
  });

  return router;
}
