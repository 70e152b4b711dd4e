import { apiText, AppError, withDeviceReport, type Problem } from '@gridsense/core';
import { readDeviceHealth } from '@gridsense/ingest';
import { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

const AGGREGATES = ['mean', 'min', 'max', 'last', 'count'] as const;
type Aggregate = (typeof AGGREGATES)[number];
/** A year and a day, like the analytics period (a leap year's charts fit). */
const MAX_SERIES_SPAN_MS = 366 * 86_400_000;

export function deviceRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  async function visibleDevice(request: Parameters<Parameters<Router['get']>[1]>[0], id: string) {
    const device = deps.registry.get(id);
    if (!device || !(await deps.cases.visibleGrids(currentUser(request))).includes(device.gridId)) {
      throw new AppError('not_found', apiText('notFound.device', { id }));
    }
    return device;
  }

  // Device health: online and last seen (from the registry) with the report state they give against
  // the type's interval, latest values, and what ingest saw — rates, seq gaps and duplicates,
  // rejects by reason with the last bad payload (about 1 s behind).
  router.get('/api/devices/:id', async (request, response) => {
    const { secretHash: _secret, ...device } = await visibleDevice(request, request.params.id);
    const now = deps.now();
    const [latest, { rejects, ...health }] = await Promise.all([
      deps.store.latest(device.id),
      readDeviceHealth(deps.db, device.id, now),
    ]);
    response.json({ ...withDeviceReport(device, now), latest, rejects, health });
  });

  router.get('/api/devices/:id/series', async (request, response) => {
    const device = await visibleDevice(request, request.params.id);
    response.json(
      await deps.store.range({ deviceId: device.id, ...parseSeriesQuery(request.query, deps.now()) }),
    );
  });

  // One series over all of a grid's devices (per-grid aggregate); whole minutes/hours read rollups.
  router.get('/api/grids/:id/series', async (request, response) => {
    const gridId = request.params.id;
    if (!(await deps.cases.visibleGrids(currentUser(request))).includes(gridId)) {
      throw new AppError('not_found', apiText('notFound.grid', { id: gridId }));
    }
    const deviceIds = deps.registry
      .all()
      .filter((d) => d.gridId === gridId)
      .map((d) => d.id);
    response.json(
      await deps.store.aggregateDevices({ deviceIds, ...parseSeriesQuery(request.query, deps.now()) }),
    );
  });

  return router;
}

/** metric, from, to (epoch ms, default the last hour, at most a year apart), windowMs (default ~200 windows), agg. */
function parseSeriesQuery(
  query: Record<string, unknown>,
  now: number,
): { metric: string; from: number; to: number; windowMs: number; agg: Aggregate } {
  const metric = String(query.metric ?? '');
  const from = Number(query.from ?? now - 3600_000);
  const to = Number(query.to ?? now);
  const windowMs = Number(query.windowMs ?? Math.max(1000, Math.round((to - from) / 200)));
  const agg = String(query.agg ?? 'mean') as Aggregate;
  const errors: Problem[] = [];
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(metric)) errors.push(apiText('field.required', { field: 'metric' }));
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) errors.push(apiText('range.beforeTo'));
  // Charts go back a year at most (hour rollups keep that cheap); longer is a mistake, not a chart.
  else if (to - from > MAX_SERIES_SPAN_MS) errors.push(apiText('range.withinYear'));
  if (!Number.isFinite(windowMs) || windowMs < 1000)
    errors.push(apiText('field.atLeast', { field: 'windowMs', min: 1000 }));
  else if ((to - from) / windowMs > 5000) errors.push(apiText('range.windows'));
  if (!AGGREGATES.includes(agg))
    errors.push(apiText('field.oneOf', { field: 'agg', values: AGGREGATES.join(', ') }));
  if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.seriesQuery'), errors);
  return { metric, from, to, windowMs, agg };
}
