import { apiText, AppError, parseRatingInput } from '@gridsense/core';
import { listCohandleRatings, rateSubtask } from '@gridsense/alerts';
import type { Router } from 'express';
import { declaredRouter } from '../route-actions';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

const DAY_MS = 86_400_000;

/** An optional id from the query is absent or one plain string. */
const badId = (value: unknown) =>
  value !== undefined && (typeof value !== 'string' || !/^[\w.-]{1,64}$/.test(value));

/** 好差评 of 协办: thin routes over the rating functions, which check scope and decide every rating. */
export function subtaskRatingRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  // Read per request: route factories close over their dependencies and touch none (the fuzzer builds them bare).
  const ctx = () => deps.cases.context;

  /** The lead side rates the work (`side: lead`), the co-handling side the request (`side: cohandler`). */
  router.post('/api/cases/:id/subtasks/:subtaskId/rating', async (request, response) => {
    const parsed = parseRatingInput(request.body);
    if (!parsed.ok) throw new AppError('validation_failed', apiText('rating.invalid'), parsed.errors);
    response.json(
      await rateSubtask(
        ctx(),
        currentUser(request),
        request.params.id,
        request.params.subtaskId,
        parsed.value,
      ),
    );
  });

  /** A department's or region's ratings over a period (default: the last 30 days). */
  router.get('/api/cohandle-ratings', async (request, response) => {
    const { from, to } = request.query;
    const end = to === undefined ? deps.now() : Number(to);
    const start = from === undefined ? end - 30 * DAY_MS : Number(from);
    // Whole milliseconds: the bounds are compared with bigint columns on PostgreSQL.
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end))
      throw new AppError('validation_failed', apiText('range.epochMs'));
    const { departmentId, regionId } = request.query;
    if (badId(departmentId))
      throw new AppError('validation_failed', apiText('field.mustBeId', { field: 'departmentId' }));
    if (badId(regionId))
      throw new AppError('validation_failed', apiText('field.mustBeId', { field: 'regionId' }));
    response.json(
      await listCohandleRatings(ctx(), currentUser(request), {
        from: start,
        to: end,
        ...(typeof departmentId === 'string' ? { departmentId } : {}),
        ...(typeof regionId === 'string' ? { regionId } : {}),
      }),
    );
  });

  return router;
}
