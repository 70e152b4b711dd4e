import { apiText, AppError, SEVERITIES, type Severity } from '@gridsense/core';
import { WARNING_STATES, type WarningState } from '@gridsense/core/early-warning';
import { createEarlyWarnings, type EarlyWarnings } from '@gridsense/alerts';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

const optionalText = (value: unknown, key: string, max: number): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw new AppError('validation_failed', apiText('field.textAtMost', { field: key, max }));
  return value;
};

function warningId(id: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AppError('not_found', apiText('notFound.warning', { id }));
  return n;
}

/**
 * 预警: the list in the person's region, acknowledging and turning into a case. The detector pass
 * runs in the alerts process; here the service only reads and moves stored warnings.
 */
export function warningRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  // Built at the first request: the route factories only close over their dependencies.
  let service: EarlyWarnings | undefined;
  const warnings = (): EarlyWarnings =>
    (service ??= createEarlyWarnings(deps.cases, {
      processId: 'web',
      onError: (error, context) => deps.logger.error({ err: error }, context),
    }));

  router.get('/api/warnings', async (request, response) => {
    const { state, from, to } = request.query;
    const states = state === undefined ? undefined : String(state).split(',');
    if (states?.some((s) => !(WARNING_STATES as readonly string[]).includes(s)))
      throw new AppError('validation_failed', apiText('warning.stateFilter'));
    const range = {
      from: from === undefined ? undefined : Number(from),
      to: to === undefined ? undefined : Number(to),
    };
    if (Object.values(range).some((v) => v !== undefined && !Number.isFinite(v)))
      throw new AppError('validation_failed', apiText('range.epochMs'));
    response.json(
      await warnings().list(currentUser(request), {
        ...(states ? { states: states as WarningState[] } : {}),
        ...(range.from === undefined ? {} : { from: range.from }),
        ...(range.to === undefined ? {} : { to: range.to }),
      }),
    );
  });

  router.post('/api/warnings/:id/acknowledge', async (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const note = optionalText(body.note, 'note', 1000)?.trim() || null;
    response.json(await warnings().acknowledge(currentUser(request), warningId(request.params.id), note));
  });

  /** 转为案件: a case through the normal intake; the warning links to it. */
  router.post('/api/warnings/:id/case', async (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const severity = body.severity;
    if (severity !== undefined && !SEVERITIES.includes(severity as Severity))
      throw new AppError(
        'validation_failed',
        apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') }),
      );
    response.status(201).json(
      await warnings().openCase(currentUser(request), warningId(request.params.id), {
        title: optionalText(body.title, 'title', 200),
        description: optionalText(body.description, 'description', 2000),
        severity: severity as Severity | undefined,
      }),
    );
  });

  return router;
}
