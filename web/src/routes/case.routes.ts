import {
  apiText,
  AppError,
  parseCaseCommand,
  parseCaseSearch,
  parseHotlineEntry,
  parsePatrolReport,
  type Problem,
} from '@gridsense/core';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';
import { idempotentWrite } from '../idempotency';

/** Thin routes: the case service checks scope and decides every move. */
export function caseRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  router.get('/api/cases', async (request, response) => {
    const scope = request.query.scope ?? 'open';
    if (scope !== 'open' && scope !== 'all')
      throw new AppError('validation_failed', apiText('case.listScope'));
    response.json(await deps.cases.list(currentUser(request), { openOnly: scope === 'open' }));
  });

  /** A page of the list: search, filters, sort; the total counts every page. */
  router.get('/api/cases/search', async (request, response) => {
    const parsed = parseCaseSearch(request.query);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('invalid.caseSearch'), parsed.errors);
    response.json(await deps.cases.search(currentUser(request), parsed.value));
  });

  // The phone's offline queue sends its moves and reports with an Idempotency-Key (idempotency.ts).

  /** 主动发现: a patrol report with photos and a location (the grid is found from it). */
  router.post('/api/cases/reports', idempotentWrite(deps), async (request, response) => {
    const parsed = parsePatrolReport(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('invalid.patrolReport'), parsed.errors);
    response.status(201).json(await deps.cases.report(currentUser(request), parsed.value));
  });

  /** 被动发现: a hotline call entered by an operator. */
  router.post('/api/cases/hotline', async (request, response) => {
    const parsed = parseHotlineEntry(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('invalid.hotlineEntry'), parsed.errors);
    response.status(201).json(await deps.cases.hotline(currentUser(request), parsed.value));
  });

  router.get('/api/cases/:id', async (request, response) => {
    response.json(await deps.cases.detail(currentUser(request), request.params.id));
  });

  /** The hotline callers unmasked, for a callback (command centre only; audited). */
  router.get('/api/cases/:id/requesters', async (request, response) => {
    response.json(await deps.cases.revealRequesters(currentUser(request), request.params.id));
  });

  /** Who can take a case in a grid (dispatchers only); `?caseId=` adds the rule list's pick. */
  router.get('/api/grids/:id/people', async (request, response) => {
    const { caseId } = request.query;
    if (caseId !== undefined && typeof caseId !== 'string')
      throw new AppError('validation_failed', apiText('field.oneCaseId', { field: 'caseId' }));
    response.json(await deps.cases.people(currentUser(request), request.params.id, caseId));
  });

  router.post('/api/cases/:id/actions', idempotentWrite<{ id: string }>(deps), async (request, response) => {
    const parsed = parseCaseCommand(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('invalid.caseAction'), parsed.errors);
    response.json(await deps.cases.act(currentUser(request), request.params.id, parsed.command));
  });

  /** 人工合并: this case takes in another (`caseId`), which closes as its duplicate. */
  router.post('/api/cases/:id/merge', async (request, response) => {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body))
      throw new AppError('validation_failed', apiText('field.bodyMustBeObject'));
    const body = request.body as Record<string, unknown>;
    const errors: Problem[] = [];
    const { caseId, note } = body;
    if (typeof caseId !== 'string' || !/^[\w.-]{1,64}$/.test(caseId))
      errors.push(apiText('merge.caseIdRequired'));
    if (note !== undefined && note !== null && (typeof note !== 'string' || note.length > 500))
      errors.push(apiText('field.textAtMost', { field: 'note', max: 500 }));
    if (Object.keys(body).some((key) => key !== 'caseId' && key !== 'note'))
      errors.push(apiText('merge.onlyCaseIdAndNote'));
    if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.merge'), errors);
    const text = typeof note === 'string' && note.trim() ? note.trim() : null;
    response.json(await deps.cases.merge(currentUser(request), request.params.id, caseId as string, text));
  });

  return router;
}
