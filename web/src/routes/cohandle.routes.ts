import { apiText, AppError, parseAddCoHandler, parseSubtaskCommand } from '@gridsense/core';
import { actOnSubtask, addCoHandler, listMySubtasks, listSubtasksOf } from '@gridsense/alerts';
import type { Router } from 'express';
import { idempotentWrite } from '../idempotency';
import { declaredRouter } from '../route-actions';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

/** 协办: thin routes over the co-handling functions, which check scope and decide every move. */
export function cohandleRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  // Read per request: route factories close over their dependencies and touch none (the fuzzer builds them bare).
  const ctx = () => deps.cases.context;

  router.get('/api/cases/:id/subtasks', async (request, response) => {
    response.json(await listSubtasksOf(ctx(), currentUser(request), request.params.id));
  });

  /** The lead or the desk adds a co-handler: a person or a department, what to do, in N working days. */
  router.post('/api/cases/:id/subtasks', async (request, response) => {
    const parsed = parseAddCoHandler(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('invalid.coHandler'), parsed.errors);
    response
      .status(201)
      .json(await addCoHandler(ctx(), currentUser(request), request.params.id, parsed.value));
  });

  /**
   * accept / report (the co-handler), cancel (the lead or the desk). The phone's offline queue
   * sends a co-handler's moves with an Idempotency-Key, as it does the case moves.
   */
  router.post(
    '/api/cases/:id/subtasks/:subtaskId/actions',
    idempotentWrite<{ id: string; subtaskId: string }>(deps),
    async (request, response) => {
      const parsed = parseSubtaskCommand(request.body);
      if (!parsed.ok)
        throw new AppError('validation_failed', apiText('invalid.subtaskAction'), parsed.errors);
      response.json(
        await actOnSubtask(
          ctx(),
          currentUser(request),
          request.params.id,
          request.params.subtaskId,
          parsed.command,
        ),
      );
    },
  );

  /** One's own open sub-tasks: the co-handler's queue. */
  router.get('/api/subtasks/mine', async (request, response) => {
    response.json(await listMySubtasks(ctx(), currentUser(request)));
  });

  return router;
}
