import { apiText, AppError } from '@gridsense/core';
import type { Router } from 'express';
import { createRuleService } from '../rule.service';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

type Body = Record<string, unknown>;
const bodyOf = (request: { body?: unknown }): Body =>
  typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};

/** The version the caller edited (optimistic concurrency): a stale edit gets 409, not a silent overwrite. */
function editedVersion(body: Body): number {
  if (!Number.isSafeInteger(body.version) || (body.version as number) < 1)
    throw new AppError('validation_failed', apiText('rule.versionRequired'), [
      apiText('field.positiveInteger', { field: 'version' }),
    ]);
  return body.version as number;
}

/** Thin routes: the rule service checks roles, validates and versions. */
export function ruleRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const rules = createRuleService(deps);

  router.get('/api/rules', async (request, response) => {
    response.json(await rules.list(currentUser(request)));
  });

  router.post('/api/rules', async (request, response) => {
    response.status(201).json(await rules.create(currentUser(request), request.body));
  });

  router.post('/api/rules/backtest', async (request, response) => {
    const { rule, from, to } = bodyOf(request);
    response.json(await rules.backtest(currentUser(request), rule, Number(from), Number(to)));
  });

  router.get('/api/rules/:id', async (request, response) => {
    response.json(await rules.detail(currentUser(request), request.params.id));
  });

  router.put('/api/rules/:id', async (request, response) => {
    const body = bodyOf(request);
    response.json(
      await rules.update(currentUser(request), request.params.id, body.rule, editedVersion(body)),
    );
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    router.post(`/api/rules/:id/${action}`, async (request, response) => {
      const version = editedVersion(bodyOf(request));
      response.json(await rules.setEnabled(currentUser(request), request.params.id, enabled, version));
    });
  }

  router.post('/api/rules/:id/rollback', async (request, response) => {
    const body = bodyOf(request);
    if (!Number.isSafeInteger(body.toVersion))
      throw new AppError('validation_failed', apiText('rule.toVersionRequired'), [
        apiText('field.mustBeInteger', { field: 'toVersion' }),
      ]);
    const view = await rules.rollback(
      currentUser(request),
      request.params.id,
      body.toVersion as number,
      editedVersion(body),
    );
    response.json(view);
  });

  return router;
}
