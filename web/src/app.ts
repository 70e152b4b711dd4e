import { apiText, AppError } from '@gridsense/core';
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { refuseCrossSiteWrites } from './auth/same-origin';
import { errorHandler } from './error-handler';
import { caseRoutes } from './routes/case.routes';
import { caseMergeSplitRoutes } from './routes/case-merge-split.routes';
import { cohandleRoutes } from './routes/cohandle.routes';
import { subtaskRatingRoutes } from './routes/subtask-rating.routes';
import { caseAdminRoutes } from './routes/case-admin.routes';
import { contactRoutes } from './routes/contact.routes';
import { auditRoutes } from './routes/audit.routes';
import { analyticsRoutes } from './routes/analytics.routes';
import { situationRoutes } from './routes/situation.routes';
import { intakeRoutes } from './routes/intake.routes';
import { notificationRoutes } from './routes/notification.routes';
import { requireUser } from './routes/current-user';
import { deviceRoutes } from './routes/device.routes';
import { deviceAdminRoutes } from './routes/device-admin.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { mqttAuthRoutes } from './routes/mqtt-auth.routes';
import { overviewRoutes } from './routes/overview.routes';
import { peopleAdminRoutes } from './routes/people-admin.routes';
import { photoRoutes } from './routes/photo.routes';
import { ruleRoutes } from './routes/rule.routes';
import { warningRoutes } from './routes/warning.routes';
import { assessmentRoutes } from './routes/assessment.routes';
import { reportPdfRoutes } from './routes/report-pdf.routes';
import { placeRoutes } from './routes/place.routes';
import { sessionRoutes } from './routes/session.routes';
import { meLocaleRoutes } from './routes/me-locale.routes';
import { securityHeaders } from './security-headers';
import { serveConsole } from './static-assets';
import type { WebDeps } from './web-deps';

/**
 * The web app: JSON API under /api and the built console. No sockets are opened here; main.ts
 * (or a test) listens and attaches the realtime gateway and Node-RED.
 */
export function createWebApp(deps: WebDeps): { app: Express; finish(): void } {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use('/api', refuseCrossSiteWrites());
  app.use('/api', express.json({ limit: '256kb' }));
  // Called by EMQX with its shared secret, not by a signed-in person: before the session check.
  app.use(mqttAuthRoutes(deps, deps.emqxAuth));
  app.use('/api', requireUser(deps));
  app.use(sessionRoutes(deps));
  app.use(meLocaleRoutes(deps));
  app.use(caseRoutes(deps));
  app.use(caseMergeSplitRoutes(deps));
  app.use(cohandleRoutes(deps));
  app.use(subtaskRatingRoutes(deps));
  app.use(caseAdminRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(analyticsRoutes(deps));
  app.use(situationRoutes(deps));
  app.use(intakeRoutes(deps));
  app.use(notificationRoutes(deps));
  app.use(overviewRoutes(deps));
  app.use(deviceRoutes(deps));
  app.use(deviceAdminRoutes(deps));
  app.use(peopleAdminRoutes(deps));
  app.use(contactRoutes(deps));
  app.use(photoRoutes(deps));
  app.use(metricsRoutes());
  app.use(ruleRoutes(deps));
  app.use(warningRoutes(deps));
  app.use(assessmentRoutes(deps));
  app.use(reportPdfRoutes(deps));
  app.use(placeRoutes(deps));
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });

  return {
    app,
    /** Mounted last, after optional parts (Node-RED) have added their routes. */
    finish() {
      app.use('/api', (request) => {
        throw new AppError(
          'not_found',
          apiText('request.noRoute', { method: request.method, path: request.originalUrl }),
        );
      });
      if (deps.staticDir && existsSync(deps.staticDir)) {
        app.use(serveConsole(deps.staticDir));
      }
      app.use(errorHandler(deps.logger));
    },
  };
}
