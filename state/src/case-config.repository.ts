import {
  apiText,
  AppError,
  DEFAULT_WORK_CALENDAR,
  type CaseCategoryNode,
  type CaseSla,
  type CategoryLevel,
  type DispatchRule,
  type HandlerRef,
  type RosterShift,
  type Severity,
  type SlaEntry,
  type WorkCalendar,
} from '@gridsense/core';
import { appendAudit } from './audit.repository';
import type { CoReportsColumn } from './case-subtask.repository';
import type { StateDb } from './database';
import { getSetting, setSetting } from './settings.repository';

/**
 * What administrators set for the case life: taxonomy, SLAs, the dispatch rule list, the working
 * calendar, departments and rosters. Every change is written together with its audit entry.
 */
export interface AuditActor {
  id: string;
  name: string;
}

export async function audited(
  db: StateDb,
  actor: AuditActor,
  now: number,
  change: { action: string; entityType: string; entityId: string; data: unknown },
  write: (tx: StateDb) => Promise<void>,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await write(tx);
    await appendAudit(tx, [{ at: now, actorId: actor.id, actorName: actor.name, ...change }]);
  });
}

export async function listCategories(db: StateDb): Promise<CaseCategoryNode[]> {
  const rows = await db.selectFrom('case_categories').selectAll().orderBy('sort').orderBy('key').execute();
  return rows.map((r) => ({
    key: r.key,
    level: r.level as CategoryLevel,
    name: r.name,
    safety: r.safety === 1,
    matches: JSON.parse(r.matches) as string[],
    autoRegister: r.auto_register === 1,
  }));
}

export async function upsertCategory(
  db: StateDb,
  node: CaseCategoryNode,
  actor: AuditActor,
  now: number,
  sort = 0,
) {
  const row = {
    level: node.level,
    name: node.name,
    safety: node.safety ? 1 : 0,
    matches: JSON.stringify(node.matches),
    // Left out, a category keeps what it had (a new one waits for 立案, the column's default).
    ...(node.autoRegister === undefined ? {} : { auto_register: node.autoRegister ? 1 : 0 }),
  };
  await audited(
    db,
    actor,
    now,
    { action: 'admin.category_set', entityType: 'category', entityId: node.key, data: node },
    (tx) =>
      tx
        .insertInto('case_categories')
        .values({ key: node.key, ...row, sort })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute()
        .then(() => undefined),
  );
}

export async function listSlas(db: StateDb): Promise<SlaEntry[]> {
  const rows = await db.selectFrom('case_slas').selectAll().orderBy('category').execute();
  return rows.map((r) => ({
    category: r.category,
    severity: r.severity as Severity,
    sla: JSON.parse(r.sla) as CaseSla,
  }));
}

export async function upsertSla(db: StateDb, entry: SlaEntry, actor: AuditActor, now: number): Promise<void> {
  const sla = JSON.stringify(entry.sla);
  await audited(
    db,
    actor,
    now,
    {
      action: 'admin.sla_set',
      entityType: 'sla',
      entityId: `${entry.category}/${entry.severity}`,
      data: entry,
    },
    (tx) =>
      tx
        .insertInto('case_slas')
        .values({ category: entry.category, severity: entry.severity, sla })
        .onConflict((oc) => oc.columns(['category', 'severity']).doUpdateSet({ sla }))
        .execute()
        .then(() => undefined),
  );
}

export async function listDispatchRules(db: StateDb): Promise<DispatchRule[]> {
  // co_reports_required: added by migration 0024 (协办).
  const rows = await db
    .withTables<CoReportsColumn>()
    .selectFrom('dispatch_rules')
    .selectAll()
    .orderBy('sort')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    match: r.match,
    regionId: r.region_id,
    lead: JSON.parse(r.lead) as HandlerRef,
    coHandlers: JSON.parse(r.co_handlers) as HandlerRef[],
    enabled: r.enabled === 1,
    note: r.note,
    // Said only when it departs from the default (required).
    ...(Number(r.co_reports_required) === 0 ? { coReportsRequired: false } : {}),
  }));
}

export async function upsertDispatchRule(
  db: StateDb,
  rule: DispatchRule,
  actor: AuditActor,
  now: number,
  sort = 0,
) {
  const row = {
    match: rule.match,
    region_id: rule.regionId,
    lead: JSON.stringify(rule.lead),
    co_handlers: JSON.stringify(rule.coHandlers),
    enabled: rule.enabled ? 1 : 0,
    note: rule.note,
    // 协办 (migration 0024): left out, the rule keeps what it had (a new one requires the reports).
    ...(rule.coReportsRequired === undefined ? {} : { co_reports_required: rule.coReportsRequired ? 1 : 0 }),
  };
  await audited(
    db,
    actor,
    now,
    { action: 'admin.dispatch_rule_set', entityType: 'dispatch_rule', entityId: rule.id, data: rule },
    (tx) =>
      tx
        .withTables<CoReportsColumn>()
        .insertInto('dispatch_rules')
        .values({ id: rule.id, ...row, sort })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute()
        .then(() => undefined),
  );
}

/** Deletes a rule with its audit entry; not_found (and nothing recorded) if there is none. */
export async function deleteDispatchRule(
  db: StateDb,
  id: string,
  actor: AuditActor,
  now: number,
): Promise<void> {
  await audited(
    db,
    actor,
    now,
    { action: 'admin.dispatch_rule_deleted', entityType: 'dispatch_rule', entityId: id, data: null },
    async (tx) => {
      const result = await tx.deleteFrom('dispatch_rules').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1)
        throw new AppError('not_found', apiText('notFound.dispatchRule', { id }));
    },
  );
}

export async function getWorkCalendar(db: StateDb): Promise<WorkCalendar> {
  const stored = await getSetting(db, 'work_calendar');
  return stored ? (JSON.parse(stored) as WorkCalendar) : DEFAULT_WORK_CALENDAR;
}

export async function setWorkCalendar(db: StateDb, calendar: WorkCalendar, actor: AuditActor, now: number) {
  await audited(
    db,
    actor,
    now,
    { action: 'admin.calendar_set', entityType: 'calendar', entityId: 'work_calendar', data: calendar },
    (tx) => setSetting(tx, 'work_calendar', JSON.stringify(calendar)),
  );
}

export interface Department {
  id: string;
  name: string;
  regionId: string;
}

export async function listDepartments(db: StateDb): Promise<Department[]> {
  const rows = await db.selectFrom('departments').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, regionId: r.region_id }));
}

export async function insertDepartment(db: StateDb, department: Department): Promise<void> {
  await db
    .insertInto('departments')
    .values({ id: department.id, name: department.name, region_id: department.regionId })
    .execute();
}

function toShift(r: {
  id: number;
  scope_kind: string;
  scope_id: string;
  user_id: string;
  duty: string;
  weekdays: string;
  start_minute: number;
  end_minute: number;
}): RosterShift & { id: number } {
  return {
    id: r.id,
    scopeKind: r.scope_kind as RosterShift['scopeKind'],
    scopeId: r.scope_id,
    userId: r.user_id,
    duty: r.duty as RosterShift['duty'],
    weekdays: r.weekdays.split(',').map(Number),
    startMinute: r.start_minute,
    endMinute: r.end_minute,
  };
}

export async function listRosterShifts(
  db: StateDb,
  scope?: { kind: RosterShift['scopeKind']; id: string },
): Promise<(RosterShift & { id: number })[]> {
  let q = db.selectFrom('roster_shifts').selectAll();
  if (scope) q = q.where('scope_kind', '=', scope.kind).where('scope_id', '=', scope.id);
  return (await q.orderBy('id').execute()).map(toShift);
}

export async function insertRosterShift(
  db: StateDb,
  shift: RosterShift,
  actor: AuditActor,
  now: number,
): Promise<number> {
  let id = 0;
  await audited(
    db,
    actor,
    now,
    {
      action: 'admin.roster_shift_added',
      entityType: 'roster',
      entityId: `${shift.scopeKind}:${shift.scopeId}`,
      data: shift,
    },
    async (tx) => {
      const row = await tx
        .insertInto('roster_shifts')
        .values({
          scope_kind: shift.scopeKind,
          scope_id: shift.scopeId,
          user_id: shift.userId,
          duty: shift.duty,
          weekdays: shift.weekdays.join(','),
          start_minute: shift.startMinute,
          end_minute: shift.endMinute,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    },
  );
  return id;
}

export async function deleteRosterShift(
  db: StateDb,
  id: number,
  actor: AuditActor,
  now: number,
): Promise<void> {
  await audited(
    db,
    actor,
    now,
    { action: 'admin.roster_shift_deleted', entityType: 'roster', entityId: String(id), data: null },
    async (tx) => {
      const result = await tx.deleteFrom('roster_shifts').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1)
        throw new AppError('not_found', apiText('notFound.rosterShift', { id }));
    },
  );
}
