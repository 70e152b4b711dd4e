import {
  AppError,
  OPEN_CASE_STATES,
  type CaseRecord,
  type CaseSource,
  type CaseState,
  type CaseView,
  type Severity,
  type TimelineEntry,
} from '@gridsense/core';
import type { Selectable } from 'kysely';
import type { StateDb } from './database';
import type { Database } from './schema';

type CaseRow = Selectable<Database['cases']>;

export type NewTimelineEntry = Omit<TimelineEntry, 'id' | 'caseId'>;

function toRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    title: row.title,
    category: row.category,
    severity: row.severity as Severity,
    state: row.state as CaseState,
    source: row.source as CaseSource,
    gridId: row.grid_id,
    deviceId: row.device_id,
    ruleId: row.rule_id,
    assigneeId: row.assignee_id,
    resolvedById: row.resolved_by_id,
    returnCount: row.return_count,
    occurrences: row.occurrences,
    riskActive: row.risk_active === 1,
    openedAt: Number(row.opened_at),
    updatedAt: Number(row.updated_at),
    acceptDueAt: row.accept_due_at === null ? null : Number(row.accept_due_at),
    resolveDueAt: row.resolve_due_at === null ? null : Number(row.resolve_due_at),
  };
}

function toRow(record: CaseRecord): CaseRow {
  return {
    id: record.id,
    title: record.title,
    category: record.category,
    severity: record.severity,
    state: record.state,
    source: record.source,
    grid_id: record.gridId,
    device_id: record.deviceId,
    rule_id: record.ruleId,
    assignee_id: record.assigneeId,
    resolved_by_id: record.resolvedById,
    return_count: record.returnCount,
    occurrences: record.occurrences,
    risk_active: record.riskActive ? 1 : 0,
    opened_at: record.openedAt,
    updated_at: record.updatedAt,
    accept_due_at: record.acceptDueAt,
    resolve_due_at: record.resolveDueAt,
  };
}

function entryRow(caseId: string, entry: NewTimelineEntry) {
  return {
    case_id: caseId,
    at: entry.at,
    actor_id: entry.actorId,
    actor_name: entry.actorName,
    action: entry.action,
    from_state: entry.fromState,
    to_state: entry.toState,
    note: entry.note,
    data: entry.data ? JSON.stringify(entry.data) : null,
  };
}

/** A new case and its first timeline entries, atomically. */
export async function insertCase(
  db: StateDb,
  record: CaseRecord,
  entries: NewTimelineEntry[],
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('cases').values(toRow(record)).execute();
    if (entries.length > 0)
      await tx
        .insertInto('case_events')
        .values(entries.map((e) => entryRow(record.id, e)))
        .execute();
  });
}

/**
 * Stores a case's next version and its timeline entries, only if the case is still in the state
 * the change was computed from (two people acting at once: the second gets a conflict).
 */
export async function updateCase(
  db: StateDb,
  next: CaseRecord,
  expected: { state: CaseState; updatedAt: number },
  entries: NewTimelineEntry[],
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('cases')
      .set(toRow(next))
      .where('id', '=', next.id)
      .where('state', '=', expected.state)
      .where('updated_at', '=', expected.updatedAt)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('conflict', `case ${next.id} changed meanwhile; reload and try again`);
    }
    if (entries.length > 0)
      await tx
        .insertInto('case_events')
        .values(entries.map((e) => entryRow(next.id, e)))
        .execute();
  });
}

export async function findCase(db: StateDb, id: string): Promise<CaseRecord | undefined> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** The open case already raised by this device and rule, if any (one case per cause). */
export async function findOpenCaseByCause(
  db: StateDb,
  deviceId: string,
  ruleId: string,
): Promise<CaseRecord | undefined> {
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('rule_id', '=', ruleId)
    .where('state', 'in', OPEN_CASE_STATES)
    .orderBy('opened_at', 'desc')
    .executeTakeFirst();
  return row && toRecord(row);
}

export interface CaseQuery {
  /** Restrict to these grids; undefined means every grid. */
  gridIds?: string[];
  openOnly: boolean;
  limit?: number;
  ids?: string[];
}

export async function listCaseViews(db: StateDb, query: CaseQuery): Promise<CaseView[]> {
  if (query.gridIds?.length === 0) return [];
  let q = db
    .selectFrom('cases')
    .innerJoin('regions', 'regions.id', 'cases.grid_id')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    .leftJoin('devices', 'devices.id', 'cases.device_id')
    .selectAll('cases')
    .select([
      'regions.name as grid_name',
      'users.display_name as assignee_name',
      'devices.name as device_name',
    ]);
  if (query.gridIds) q = q.where('cases.grid_id', 'in', query.gridIds);
  if (query.ids) q = q.where('cases.id', 'in', query.ids);
  if (query.openOnly) q = q.where('cases.state', 'in', OPEN_CASE_STATES);
  const rows = await q
    .orderBy('cases.opened_at', 'desc')
    .limit(query.limit ?? 500)
    .execute();
  return rows.map((row) => ({
    ...toRecord(row),
    gridName: row.grid_name,
    assigneeName: row.assignee_name,
    deviceName: row.device_name,
  }));
}

export async function listTimeline(db: StateDb, caseId: string): Promise<TimelineEntry[]> {
  const rows = await db
    .selectFrom('case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    at: Number(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    fromState: r.from_state as CaseState | null,
    toState: r.to_state as CaseState,
    note: r.note,
    data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
  }));
}
