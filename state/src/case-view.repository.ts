import { sql } from 'kysely';
import {
  OPEN_CASE_STATES,
  SEVERITIES,
  maskName,
  maskPhone,
  type CaseSource,
  type CaseSearch,
  type CaseSourceView,
  type CaseState,
  type CaseView,
  type TimelineEntry,
} from '@gridsense/core';
import { toCaseRecord } from './case-rows';
import type { StateDb } from './database';
import { personalData } from './personal-data-key';

export interface CaseQuery {
  /** Restrict to these grids; undefined means every grid. */
  gridIds?: string[];
  /** Also include cases this person leads, co-handles or reported, or their department leads. */
  handler?: { userId: string; departmentIds: string[] };
  openOnly: boolean;
  limit?: number;
  ids?: string[];
}

/** The cases a person may see, with everything a view shows joined (not yet ordered or limited). */
function scopedCases(db: StateDb, query: Pick<CaseQuery, 'gridIds' | 'handler'>) {
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
        .select('case_requesters.name')
        .whereRef('case_requesters.case_id', '=', 'cases.id')
        .orderBy('case_requesters.id')
        .limit(1)
        .as('requester_name'),
      eb
        .selectFrom('case_requesters')
        .select('case_requesters.phone')
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
  return q;
}

type CaseViewRow = Awaited<ReturnType<ReturnType<typeof scopedCases>['execute']>>[number];

/** Cases as people see them: names joined, the hotline caller masked, sources counted. */
export async function listCaseViews(db: StateDb, query: CaseQuery): Promise<CaseView[]> {
  if (query.gridIds?.length === 0 && !query.handler) return [];
  let q = scopedCases(db, query);
  if (query.ids) q = q.where('cases.id', 'in', query.ids);
  if (query.openOnly) q = q.where('cases.state', 'in', OPEN_CASE_STATES);
  const rows = await q
    .orderBy('cases.opened_at', 'desc')
    .limit(query.limit ?? 500)
    .execute();
  return toViews(db, rows);
}

async function toViews(db: StateDb, rows: CaseViewRow[]): Promise<CaseView[]> {
  const coIds = [...new Set(rows.flatMap((r) => JSON.parse(r.co_handler_ids) as string[]))];
  const names = new Map(
    coIds.length === 0
      ? []
      : (await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', coIds).execute()).map(
          (u) => [u.id, u.display_name],
        ),
  );
  const sealed = personalData(db);
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
          : {
              name: maskName(sealed.open(row.requester_name)),
              phone: maskPhone(sealed.open(row.requester_phone)),
              masked: true,
            },
      sourceCount: Number(row.source_count ?? 0),
      suppressedCount: Number(row.suppressed_count ?? 0),
    };
  });
}

export interface CaseSearchQuery extends Pick<CaseQuery, 'gridIds' | 'handler'> {
  search: CaseSearch;
  /** The person asking: "awaiting my verification" leaves out what they resolved themselves. */
  viewerId: string;
}

const CLOCKLESS_STATES: readonly CaseState[] = ['resolved', 'verified', 'closed'];
/** The clock that runs now (accept, then resolve), as `activeDeadline` in the console reads it. */
const activeDueAt = sql<number | null>`case when cases.state in ('resolved', 'verified', 'closed') then null
  else coalesce(cases.accept_due_at, cases.resolve_due_at) end`;
const severityRank = sql<number>`case cases.severity ${sql.join(
  SEVERITIES.map((severity, i) => sql`when ${sql.lit(severity)} then ${sql.lit(i + 1)}`),
  sql` `,
)} else 0 end`;

const DUE_COLUMNS = [
  'cases.register_due_at',
  'cases.dispatch_due_at',
  'cases.accept_due_at',
  'cases.arrive_due_at',
  'cases.resolve_due_at',
] as const;

/**
 * 超时 as core's `breachedClocks` has it: any running clock (register, dispatch, accept, arrive,
 * resolve) past its deadline before `at`; a paused case's clocks stopped when it paused.
 */
const anyClockBreached = (at: number) =>
  sql<boolean>`(${sql.join(
    DUE_COLUMNS.map((column) => sql`${sql.ref(column)} < coalesce(cases.paused_at, ${at})`),
    sql` or `,
  )})`;

/** When the next running clock among the matching cases runs out at or after `at`, or null. */
async function nextClockDue(q: ReturnType<typeof scopedCases>, at: number): Promise<number | null> {
  const row = await q
    .clearSelect()
    .select(
      DUE_COLUMNS.map((column, i) =>
        sql<
          number | string | null
        >`min(case when ${sql.ref(column)} >= ${at} then ${sql.ref(column)} end)`.as(`due${i}`),
      ),
    )
    .where('cases.state', 'not in', CLOCKLESS_STATES)
    .where('cases.paused_at', 'is', null)
    .executeTakeFirst();
  const dues = Object.values(row ?? {})
    .filter((due) => due !== null && due !== undefined)
    .map(Number);
  return dues.length > 0 ? Math.min(...dues) : null;
}

/** `%`, `_` and `\` match themselves in a search. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the cases a person may see, with the number that match. Filters narrow the scoped
 * query; the text search scans title, description and address of what is left.
 */
export async function searchCaseViews(
  db: StateDb,
  query: CaseSearchQuery,
): Promise<{ cases: CaseView[]; total: number; nextDueAt?: number | null }> {
  const { search } = query;
  if (query.gridIds?.length === 0 && !query.handler) return { cases: [], total: 0 };
  let q = scopedCases(db, query);
  if (search.state === 'open') q = q.where('cases.state', 'in', OPEN_CASE_STATES);
  else if (search.state !== 'all') q = q.where('cases.state', '=', search.state);
  if (search.severity) q = q.where('cases.severity', '=', search.severity);
  if (search.category) {
    const depth = search.category.split('.').length;
    const column = depth === 1 ? 'cases.category' : depth === 2 ? 'cases.subcategory' : 'cases.case_type';
    q = q.where(column, '=', search.category);
  }
  if (search.gridId) q = q.where('cases.grid_id', '=', search.gridId);
  if (search.assignee === 'none') q = q.where('cases.assignee_id', 'is', null);
  else if (search.assignee) q = q.where('cases.assignee_id', '=', search.assignee);
  if (search.source) q = q.where('cases.source', '=', search.source);
  if (search.openedFrom !== null) q = q.where('cases.opened_at', '>=', search.openedFrom);
  if (search.openedTo !== null) q = q.where('cases.opened_at', '<=', search.openedTo);
  if (search.text) {
    const pattern = likePattern(search.text);
    const like = (column: 'title' | 'description' | 'address') =>
      sql<boolean>`lower(${sql.ref(`cases.${column}`)}) like ${pattern} escape '\\'`;
    q = q.where((eb) => eb.or([like('title'), like('description'), like('address')]));
  }
  if (search.awaitingMyVerification)
    q = q
      .where('cases.state', '=', 'resolved')
      .where((eb) =>
        eb.or([eb('cases.resolved_by_id', 'is', null), eb('cases.resolved_by_id', '<>', query.viewerId)]),
      );
  if (search.supervised) q = q.where('cases.supervised_at', 'is not', null);
  let nextDueAt: number | null | undefined;
  if (search.dueBefore !== null) {
    nextDueAt = await nextClockDue(q, search.dueBefore);
    q = q.where('cases.state', 'not in', CLOCKLESS_STATES).where(anyClockBreached(search.dueBefore));
  }

  const counted = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  const deadlineLast = sql<number>`case when ${activeDueAt} is null then 1 else 0 end`;
  // A returned case waits on the command centre: on top whatever the order (the console pins it).
  let ordered = q.orderBy(sql<number>`case when cases.state = 'returned' then 0 else 1 end`);
  if (search.sort === 'severity') ordered = ordered.orderBy(severityRank, 'desc');
  if (search.sort !== 'newest') ordered = ordered.orderBy(deadlineLast).orderBy(activeDueAt);
  const rows = await ordered
    .orderBy('cases.opened_at', 'desc')
    .orderBy('cases.id')
    .limit(search.limit)
    .offset(search.offset)
    .execute();
  const cases = await toViews(db, rows);
  return { cases, total: Number(counted?.n ?? 0), ...(nextDueAt === undefined ? {} : { nextDueAt }) };
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
    .select(['name', 'phone', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  const sealed = personalData(db);
  return rows.map((r) => ({
    name: sealed.open(r.name),
    phone: sealed.open(r.phone),
    at: Number(r.created_at),
  }));
}
