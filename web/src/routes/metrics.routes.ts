import { metricsRegistry, metricsText } from '@gridsense/ingest';
import type { Router } from 'express';
import { declaredRouter } from '../route-actions';

/**
 * Prometheus scrape endpoint (text format): ingest's counters and histograms plus Node's process
 * metrics (ingest's worker thread's included). Outside /api and without a login, as scrapers expect; it carries no device ids or
 * personal data. Keep it off the public internet (reverse proxy rule) like any /metrics.
 */
export function metricsRoutes(): Router {
  const router = declaredRouter();
  router.get('/metrics', async (_request, response) => {
    response.type(metricsRegistry.contentType).send(await metricsText());
  });
  return router;
}
