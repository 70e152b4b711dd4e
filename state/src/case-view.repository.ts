import { sql } from 'kysely';
import {
  OPEN_CASE_STATES,
  maskName,
  maskPhone,
  type CaseSource,
  type CaseSourceView,
  type CaseState,
  type CaseView,
  type TimelineEntry,
} from '@gridsense/core';
import { toCaseRecord } from './case-rows';
import type { StateDb } from './database';

export interface CaseQuery {
  /** Restrict to these grids; undefined means every grid. */
  gridIds?: string[];
  /** Also include cases this person leads, co-handles or reported, or their department leads. */
  handler?: { userId: string; departmentIds: string[] };
  openOnly: boolean;
  limit?: number;
  ids?: string[];
}

/** Cases as people see them: names joined, the hotline caller masked, sources counted. */
export async function listCaseViews(db: StateDb, query: CaseQuery): Promise<CaseView[]> {
  if (query.gridIds?.length === 0 && !query.handler) return [];
  let q = db
    .selectFrom('cases')
    .innerJoin('regions', 'regions.id', 'cases.grid_id')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    .leftJoin('devices', 'devices.id', 'cases.device_id')
    .leftJoin('departments', 'departments.id', 'cases.department_id')
    .leftJoin('case_categories', 'case_categories.key', 'cases.category')
    .selectAll('cases')
    .select((eb) => [
      'regions.name as grid_name',
      'users.display_name as assignee_name',
      'devices.name as device_name',
      'departments.name as department_name',
      'case_categories.name as category_name',
      eb
        .selectFrom('case_requesters')
        .select(sql<string>`gridsense_unseal(case_requesters.name)`.as('name'))
        .whereRef('case_requesters.case_id', '=', 'cases.id')
        .orderBy('case_requesters.id')
        .limit(1)
        .as('requester_name'),
      eb
        .selectFrom('case_requesters')
        .select(sql<string>`gridsense_unseal(case_requesters.phone)`.as('phone'))
        .whereRef('case_requesters.case_id', '=', 'cases.id')
        .orderBy('case_requesters.id')
        .limit(1)
        .as('requester_phone'),
      eb
        .selectFrom('case_sources')
        .select((s) => s.fn.countAll<number>().as('n'))
        .whereRef('case_sources.case_id', '=', 'cases.id')
        .where('case_sources.suppressed', '=', 0)
        .as('source_count'),
      eb
        .selectFrom('case_sources')
        .select((s) => s.fn.countAll<number>().as('n'))
        .whereRef('case_sources.case_id', '=', 'cases.id')
        .where('case_sources.suppressed', '=', 1)
        .as('suppressed_count'),
    ]);
  const { gridIds, handler } = query;
  if (gridIds || handler) {
    q = q.where((eb) =>
      eb.or([
        ...(gridIds?.length ? [eb('cases.grid_id', 'in', gridIds)] : []),
        ...(handler
          ? [
              eb('cases.assignee_id', '=', handler.userId),
              eb('cases.reporter_id', '=', handler.userId),
              eb('cases.co_handler_ids', 'like', `%${JSON.stringify(handler.userId)}%`),
              ...(handler.departmentIds.length
                ? [eb('cases.department_id', 'in', handler.departmentIds)]
                : []),
            ]
          : []),
      ]),
    );
  }
  if (query.ids) q = q.where('cases.id', 'in', query.ids);
  if (query.openOnly) q = q.where('cases.state', 'in', OPEN_CASE_STATES);
  const rows = await q
    .orderBy('cases.opened_at', 'desc')
    .limit(query.limit ?? 500)
    .execute();
  const coIds = [...new Set(rows.flatMap((r) => JSON.parse(r.co_handler_ids) as string[]))];
  const names = new Map(
    coIds.length === 0
      ? []
      : (await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', coIds).execute()).map(
          (u) => [u.id, u.display_name],
        ),
  );
  return rows.map((row) => {
    const record = toCaseRecord(row);
    return {
      ...record,
      gridName: row.grid_name,
      assigneeName: row.assignee_name,
      deviceName: row.device_name,
      categoryName: row.category_name,
      departmentName: row.department_name,
      coHandlers: record.coHandlerIds.map((id) => ({ id, name: names.get(id) ?? id })),
      requester:
        row.requester_name === null || row.requester_phone === null
          ? null
          : { name: maskName(row.requester_name), phone: maskPhone(row.requester_phone), masked: true },
      sourceCount: Number(row.source_count ?? 0),
      suppressedCount: Number(row.suppressed_count ?? 0),
    };
  });
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

export async function listCaseSources(db: StateDb, caseId: string): Promise<CaseSourceView[]> {
  const rows = await db
    .selectFrom('case_sources')
    .leftJoin('devices', 'devices.id', 'case_sources.device_id')
    .selectAll('case_sources')
    .select('devices.name as device_name')
    .where('case_id', '=', caseId)
    .orderBy('case_sources.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    kind: r.kind as CaseSource,
    deviceId: r.device_id,
    deviceName: r.device_name,
    ruleId: r.rule_id,
    category: r.category,
    eventType: r.event_type,
    snapshot: r.snapshot,
    active: r.active === 1,
    suppressed: r.suppressed === 1,
    count: r.count,
    firstAt: Number(r.first_at),
    lastAt: Number(r.last_at),
  }));
}

export async function listChildCaseIds(db: StateDb, parentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('cases')
    .select('id')
    .where('parent_id', '=', parentId)
    .orderBy('opened_at')
    .execute();
  return rows.map((r) => r.id);
}

/** The hotline callers of a case, unmasked: only for the audited reveal. */
export async function listRequesters(
  db: StateDb,
  caseId: string,
): Promise<{ name: string; phone: string; at: number }[]> {
  const rows = await db
    .selectFrom('case_requesters')
    .select([
      sql<string>`gridsense_unseal(name)`.as('name'),
      sql<string>`gridsense_unseal(phone)`.as('phone'),
      'created_at',
    ])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ name: r.name, phone: r.phone, at: Number(r.created_at) }));
}
