import {
  apiText,
  AppError,
  authorize,
  type AuditEntryView,
  type AuditVerification,
  type Problem,
  type Region,
  type User,
} from '@gridsense/core';
import {
  appendAudit,
  auditAnchorFile,
  findUserNames,
  listAudit,
  verifyAuditChain,
  type AuditInput,
  type AuditScope,
} from '@gridsense/state';
import { regionsUnder } from './admin-scope';
import type { WebDeps } from './web-deps';

export const EXPORT_TABLES = ['grid', 'worker', 'department', 'category'] as const;
const MAX_EXPORT_ROWS = 100_000;

/** What `GET /api/audit` takes; every other query parameter is refused. */
export interface AuditFilter {
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: number;
  to?: number;
  afterSeq?: number;
  beforeSeq?: number;
  /** `order=desc`: newest first (with `beforeSeq` as the cursor of the next page). */
  newestFirst?: boolean;
  limit: number;
}

const AUDIT_QUERY = [
  'actor',
  'action',
  'entityType',
  'entityId',
  'from',
  'to',
  'afterSeq',
  'beforeSeq',
  'order',
  'limit',
];
const CODE = /^[\w.:/@-]{1,100}$/;

/** The audit query, checked: codes and ids of at most 100 plain characters, integers in range. */
function parseFilter(query: Record<string, unknown>): AuditFilter {
  const errors: Problem[] = [];
  for (const key of Object.keys(query))
    if (!AUDIT_QUERY.includes(key)) errors.push(apiText('field.unknown', { field: key }));
  const text = (key: string): string | undefined => {
    const value = query[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string' && CODE.test(value)) return value;
    errors.push(apiText('field.textAtMost', { field: key, max: 100 }));
    return undefined;
  };
  const integer = (key: string, min: number, max: number): number | undefined => {
    const value = query[key];
    if (value === undefined || value === '') return undefined;
    const parsed = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    errors.push(apiText('field.integerRange', { field: key, min, max }));
    return undefined;
  };
  const actorId = text('actor');
  const action = text('action');
  const entityType = text('entityType');
  const entityId = text('entityId');
  const from = integer('from', 0, Number.MAX_SAFE_INTEGER);
  const to = integer('to', 0, Number.MAX_SAFE_INTEGER);
  const afterSeq = integer('afterSeq', 0, Number.MAX_SAFE_INTEGER);
  const beforeSeq = integer('beforeSeq', 1, Number.MAX_SAFE_INTEGER);
  const limit = integer('limit', 1, 1000) ?? 200;
  const order = query.order;
  if (order !== undefined && order !== 'asc' && order !== 'desc') errors.push(apiText('audit.orderOneOf'));
  if (from !== undefined && to !== undefined && from >= to) errors.push(apiText('range.beforeTo'));
  if (afterSeq !== undefined && beforeSeq !== undefined) errors.push(apiText('audit.afterOrBefore'));
  if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.auditQuery'), errors);
  return {
    ...(actorId === undefined ? {} : { actorId }),
    ...(action === undefined ? {} : { action }),
    ...(entityType === undefined ? {} : { entityType }),
    ...(entityId === undefined ? {} : { entityId }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(afterSeq === undefined ? {} : { afterSeq }),
    ...(beforeSeq === undefined ? {} : { beforeSeq }),
    ...(order === 'desc' ? { newestFirst: true } : {}),
    limit,
  };
}

/** An audit entry with the name of what it is about, where that has one (a person, a region). */
export type AuditListEntry = AuditEntryView & { entityName: string | null };

async function nameEntities(
  deps: WebDeps,
  regions: readonly Region[],
  entries: readonly AuditEntryView[],
): Promise<AuditListEntry[]> {
  const userIds = entries.flatMap((e) => (e.entityType === 'user' ? [e.entityId] : []));
  const people = await findUserNames(deps.db, [...new Set(userIds)]);
  const places = new Map(regions.map((r) => [r.id, r.name]));
  const REGION_NAMED = ['region', 'audit_log', 'analytics'];
  return entries.map((entry) => ({
    ...entry,
    entityName:
      (entry.entityType === 'user'
        ? people.get(entry.entityId)
        : REGION_NAMED.includes(entry.entityType)
          ? places.get(entry.entityId)
          : undefined) ?? null,
  }));
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
    async list(user: User, query: Record<string, unknown>): Promise<AuditListEntry[]> {
      authorize(user, 'audit.read');
      const filter = parseFilter(query);
      const regions = deps.cases.regions();
      const scope = auditScopeOf(regions, user);
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
      return nameEntities(deps, regions, entries);
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
      const errors: Problem[] = [];
      if (!EXPORT_TABLES.includes(table as (typeof EXPORT_TABLES)[number]))
        errors.push(apiText('field.oneOf', { field: 'table', values: 'grid, worker, department, category' }));
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || (from as number) >= (to as number))
        errors.push(apiText('range.beforeTo'));
      const region = regionId ?? user.regionId;
      if (
        typeof region !== 'string' ||
        !regionsUnder(deps.cases.regions(), user.regionId).some((r) => r.id === region)
      )
        errors.push(apiText('field.regionInScope', { field: 'regionId' }));
      if (!Number.isSafeInteger(rows) || (rows as number) < 0 || (rows as number) > MAX_EXPORT_ROWS)
        errors.push(apiText('field.integerRange', { field: 'rows', min: 0, max: 100000 }));
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.exportRecord'), errors);
      await record(user, {
        action: 'analytics.exported',
        entityType: 'analytics',
        entityId: region as string,
        data: { table, from, to, rows, format: 'csv' },
      });
    },
  };
}
