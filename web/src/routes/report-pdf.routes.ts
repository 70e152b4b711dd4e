import { apiText, AppError } from '@gridsense/core';
import { createReports } from '@gridsense/alerts';
import { getWorkCalendar } from '@gridsense/state';
import type { Router } from 'express';
import { findPdfFont } from '../pdf-font';
import { renderReportPdf } from '../report-pdf';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/**
 * An archived report as a PDF, beside its CSV: the same read (role, and not_found outside the
 * reader's region), then drawn in a CJK font found at request time, so installing one needs no
 * restart.
 */
export function reportPdfRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const reports = createReports({ db: deps.db, regions: () => deps.cases.regions() });

  router.get('/api/reports/:id/pdf', async (request, response) => {
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new AppError('not_found', apiText('notFound.report', { id: request.params.id }));
    const report = await reports.read(currentUser(request), id);
    const font = findPdfFont(deps.pdfFont);
    const calendar = await getWorkCalendar(deps.db);
    const body = await renderReportPdf(report, font, calendar.utcOffsetMinutes);
    response
      .type('application/pdf')
      .attachment(`report-${report.kind}-${report.periodKey}-${report.regionId}.pdf`)
      .send(body);
  });

  return router;
}
