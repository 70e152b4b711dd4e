import {
  AppError,
  authorize,
  type AuditEntryView,
  type AuditVerification,
  type Region,
  type User,
} from '@gridsense/core';
import {
  appendAudit,
  auditAnchorFile,
  listAudit,
  verifyAuditChain,
  type AuditInput,
  type AuditScope,
} from '@gridsense/state';
import { regionsUnder } from './admin-scope';
import type { WebDeps } from './web-deps';

export const EXPORT_TABLES = ['grid', 'worker', 'department', 'category'] as const;
const MAX_EXPORT_ROWS = 100_000;

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  afterSeq?: number;
  limit: number;
}

function parseFilter(query: Record<string, unknown>): AuditFilter {
  const { entityType, entityId, afterSeq, limit } = query;
  const after = afterSeq === undefined ? undefined : Number(afterSeq);
  const max = limit === undefined ? 200 : Number(limit);
  if ((after !== undefined && !Number.isInteger(after)) || !Number.isInteger(max) || max < 1 || max > 1000)
    throw new AppError('validation_failed', 'afterSeq must be an integer and limit 1–1000');
  return {
    ...(typeof entityType === 'string' ? { entityType } : {}),
    ...(typeof entityId === 'string' ? { entityId } : {}),
    ...(after === undefined ? {} : { afterSeq: after }),
    limit: max,
  };
}

/**
 * A reader whose region is the whole district sees every entry; anyone else only the entries
 * about their own region's subtree (`AuditScope`), the way cases are scoped.
 */
export function auditScopeOf(regions: readonly Region[], user: User): AuditScope | undefined {
  if (regions.some((r) => r.id === user.regionId && r.parentId === null)) return undefined;
  const inside = regionsUnder(regions, user.regionId);
  return {
    regionIds: inside.map((r) => r.id),
    gridIds: inside.filter((r) => r.level === 'grid').map((r) => r.id),
  };
}

/**
 * The audit log for the command centre: reading and verifying it are themselves recorded (who
 * read what), before the answer leaves, so an unrecorded read is a failed one.
 */
export function createAuditService(deps: WebDeps) {
  const record = (user: User, entry: Omit<AuditInput, 'at' | 'actorId' | 'actorName'>) =>
    appendAudit(deps.db, [{ at: deps.now(), actorId: user.id, actorName: user.displayName, ...entry }]);

  return {
    async list(user: User, query: Record<string, unknown>): Promise<AuditEntryView[]> {
      authorize(user, 'audit.read');
      const filter = parseFilter(query);
      const scope = auditScopeOf(deps.cases.regions(), user);
      const entries = await listAudit(deps.db, { ...filter, ...(scope ? { scope } : {}) });
      await record(user, {
        action: 'audit.read',
        entityType: 'audit_log',
        entityId: user.regionId,
        data: {
          filter,
          returned: entries.length,
          seqs: entries.length > 0 ? [entries[0]!.seq, entries.at(-1)!.seq] : null,
        },
      });
      return entries;
    },

    async verify(user: User): Promise<AuditVerification> {
      authorize(user, 'audit.read');
      const verification = await verifyAuditChain(deps.db, { anchorFile: auditAnchorFile(deps.dataDir) });
      const { ok, checked, brokenAt } = verification;
      await record(user, {
        action: 'audit.verified',
        entityType: 'audit_log',
        entityId: user.regionId,
        data: { ok, checked, brokenAt },
      });
      return verification;
    },

    /**
     * The console builds analytics CSV files in the browser from `GET /api/analytics/cases`, and
     * records each export here before it saves the file. The record says who took which table of
     * which region and period away; a client that skips it has still read only what it may read.
     */
    async recordExport(user: User, input: Record<string, unknown>): Promise<void> {
      authorize(user, 'analytics.export');
      const { table, from, to, regionId, rows } = input;
      const errors: string[] = [];
      if (!EXPORT_TABLES.includes(table as (typeof EXPORT_TABLES)[number]))
        errors.push('table must be one of grid, worker, department, category');
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || (from as number) >= (to as number))
        errors.push('from must be before to (epoch ms)');
      const region = regionId ?? user.regionId;
      if (
        typeof region !== 'string' ||
        !regionsUnder(deps.cases.regions(), user.regionId).some((r) => r.id === region)
      )
        errors.push('regionId must be a region in your scope');
      if (!Number.isSafeInteger(rows) || (rows as number) < 0 || (rows as number) > MAX_EXPORT_ROWS)
        errors.push('rows must be an integer 0–100000');
      if (errors.length > 0) throw new AppError('validation_failed', 'invalid export record', errors);
      await record(user, {
        action: 'analytics.exported',
        entityType: 'analytics',
        entityId: region as string,
        data: { table, from, to, rows, format: 'csv' },
      });
    },
  };
}
