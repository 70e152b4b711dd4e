import { AppError } from '@gridsense/core';
import { listAudit, verifyAuditChain } from '@gridsense/state';
import { Router, type Request } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

const AUDITORS = ['admin', 'operator'];

function requireAuditor(request: Request): void {
  if (!AUDITORS.includes(currentUser(request).role))
    throw new AppError('forbidden', 'the audit log is for the command centre');
}

/** The hash-chained audit log: read it, and check that no entry was changed, removed or reordered. */
export function auditRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/api/audit/verify', async (request, response) => {
    requireAuditor(request);
    response.json(await verifyAuditChain(deps.db));
  });

  router.get('/api/audit', async (request, response) => {
    requireAuditor(request);
    const { entityType, entityId, afterSeq, limit } = request.query;
    const after = afterSeq === undefined ? undefined : Number(afterSeq);
    const max = limit === undefined ? 200 : Number(limit);
    if ((after !== undefined && !Number.isInteger(after)) || !Number.isInteger(max) || max < 1 || max > 1000)
      throw new AppError('validation_failed', 'afterSeq must be an integer and limit 1–1000');
    response.json(
      await listAudit(deps.db, {
        ...(typeof entityType === 'string' ? { entityType } : {}),
        ...(typeof entityId === 'string' ? { entityId } : {}),
        ...(after === undefined ? {} : { afterSeq: after }),
        limit: max,
      }),
    );
  });

  return router;
}
