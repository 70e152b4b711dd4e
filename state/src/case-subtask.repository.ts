import {
  apiText,
  AppError,
  nextSubtaskCheckAt,
  NO_RATINGS,
  OPEN_SUBTASK_STATES,
  type CaseState,
  type CaseSubtask,
  type CaseSubtaskView,
  type SubtaskState,
} from '@gridsense/core';
import type { Generated, Selectable } from 'kysely';
import type { StateDb } from './database';
import { findSubtaskRatings } from './subtask-rating.repository';
import { findUserNames } from './user.repository';

/** The table of migration 0024, and the column it adds to the dispatch rules. */
// A type, not an interface: `withTables` needs its implicit index signature.
export type CaseSubtaskTables = {
  case_subtasks: {
    id: Generated<number>;
    case_id: string;
    assignee_id: string;
    department_id: string | null;
    state: string;
    required: number;
    task: string;
    created_by_id: string;
    created_at: number;
    due_at: number;
    accepted_at: number | null;
    reported_at: number | null;
    report_note: string | null;
    report_photos: string;
    cancelled_at: number | null;
    cancel_reason: string | null;
    reminded_at: number | null;
    overdue_at: number | null;
    next_check_at: number | null;
    updated_at: number;
  };
} & CoReportsColumn;

/** The column migration 0024 adds to the dispatch rules (1: the co-handlers' reports are required). */
export type CoReportsColumn = { dispatch_rules: { co_reports_required: Generated<number> } };

const tables = (db: StateDb) => db.withTables<CaseSubtaskTables>();
type SubtaskRow = Selectable<CaseSubtaskTables['case_subtasks']>;

const epoch = (value: number | string | null): number | null => (value === null ? null : Number(value));

function toSubtask(r: SubtaskRow): CaseSubtask {
  return {
    id: Number(r.id),
    caseId: r.case_id,
    assigneeId: r.assignee_id,
    departmentId: r.department_id,
    state: r.state as SubtaskState,
    required: Number(r.required) === 1,
    task: r.task,
    createdById: r.created_by_id,
    createdAt: Number(r.created_at),
    dueAt: Number(r.due_at),
    acceptedAt: epoch(r.accepted_at),
    reportedAt: epoch(r.reported_at),
    reportNote: r.report_note,
    reportPhotos: JSON.parse(r.report_photos) as string[],
    cancelledAt: epoch(r.cancelled_at),
    cancelReason: r.cancel_reason,
    remindedAt: epoch(r.reminded_at),
    overdueAt: epoch(r.overdue_at),
    updatedAt: Number(r.updated_at),
  };
}

function toRow(s: Omit<CaseSubtask, 'id'>) {
  return {
    case_id: s.caseId,
    assignee_id: s.assigneeId,
    department_id: s.departmentId,
    state: s.state,
    required: s.required ? 1 : 0,
    task: s.task,
    created_by_id: s.createdById,
    created_at: s.createdAt,
    due_at: s.dueAt,
    accepted_at: s.acceptedAt,
    reported_at: s.reportedAt,
    report_note: s.reportNote,
    report_photos: JSON.stringify(s.reportPhotos),
    cancelled_at: s.cancelledAt,
    cancel_reason: s.cancelReason,
    reminded_at: s.remindedAt,
    overdue_at: s.overdueAt,
    // Stored with each version, so the ticker finds what is owed with one indexed query.
    next_check_at: nextSubtaskCheckAt(s),
    updated_at: s.updatedAt,
  };
}

const namesOf = (db: StateDb, ids: readonly string[]) => findUserNames(db, [...new Set(ids)]);

/** Stores a new sub-task (inside the transaction of the case change that adds it); returns it with its id. */
export async function insertSubtask(db: StateDb, subtask: Omit<CaseSubtask, 'id'>): Promise<CaseSubtask> {
  const row = await tables(db)
    .insertInto('case_subtasks')
    .values(toRow(subtask))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSubtask(row);
}

/**
 * Stores a sub-task's next version only if it is still the version the change was computed from
 * (two people at once, or a person and the ticker: the second gets a conflict).
 */
export async function updateSubtask(
  db: StateDb,
  next: CaseSubtask,
  expected: Pick<CaseSubtask, 'state' | 'updatedAt'>,
): Promise<void> {
  const { case_id: _caseId, ...row } = toRow(next);
  const result = await tables(db)
    .updateTable('case_subtasks')
    .set(row)
    .where('id', '=', next.id)
    .where('state', '=', expected.state)
    .where('updated_at', '=', expected.updatedAt)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw new AppError('conflict', apiText('conflict.subtask', { id: next.id }));
}

export async function findSubtask(db: StateDb, id: number): Promise<CaseSubtask | undefined> {
  const row = await tables(db)
    .selectFrom('case_subtasks')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toSubtask(row);
}

/** A case's sub-tasks, oldest first. */
export async function listCaseSubtasks(db: StateDb, caseId: string): Promise<CaseSubtask[]> {
  const rows = await tables(db)
    .selectFrom('case_subtasks')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return rows.map(toSubtask);
}

/** Whether the person co-handles the case through a sub-task (they may see it even when re-dispatched). */
export async function hasSubtaskOn(db: StateDb, caseId: string, userId: string): Promise<boolean> {
  const row = await tables(db)
    .selectFrom('case_subtasks')
    .select('id')
    .where('case_id', '=', caseId)
    .where('assignee_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Stops a sub-task's clock without changing it (its case closed or was resolved meanwhile). */
export async function stopSubtaskClock(db: StateDb, id: number): Promise<void> {
  await tables(db).updateTable('case_subtasks').set({ next_check_at: null }).where('id', '=', id).execute();
}

/** Open sub-tasks whose clock is owed a look by `now`, earliest first. */
export async function listSubtasksDueForCheck(
  db: StateDb,
  now: number,
  limit: number,
): Promise<CaseSubtask[]> {
  const rows = await tables(db)
    .selectFrom('case_subtasks')
    .selectAll()
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toSubtask);
}

/**
 * A co-handler's queue: their open sub-tasks (or all, newest first when `openOnly` is false),
 * with the names and the case's title and state, soonest deadline first.
 */
export async function listAssignedSubtasks(
  db: StateDb,
  assigneeId: string,
  options: { openOnly: boolean } = { openOnly: true },
): Promise<CaseSubtaskView[]> {
  let query = tables(db)
    .selectFrom('case_subtasks')
    .innerJoin('cases', 'cases.id', 'case_subtasks.case_id')
    .selectAll('case_subtasks')
    .select(['cases.title as case_title', 'cases.state as case_state'])
    .where('case_subtasks.assignee_id', '=', assigneeId);
  if (options.openOnly) query = query.where('case_subtasks.state', 'in', [...OPEN_SUBTASK_STATES]);
  const rows = await query.orderBy('case_subtasks.due_at').orderBy('case_subtasks.id').limit(200).execute();
  const [names, ratings] = await Promise.all([
    namesOf(
      db,
      rows.flatMap((r) => [r.assignee_id, r.created_by_id]),
    ),
    findSubtaskRatings(
      db,
      rows.map((r) => Number(r.id)),
    ),
  ]);
  return rows.map((r) => ({
    ...toSubtask(r),
    assigneeName: names.get(r.assignee_id) ?? r.assignee_id,
    createdByName: names.get(r.created_by_id) ?? r.created_by_id,
    caseTitle: r.case_title,
    caseState: r.case_state as CaseState,
    ratings: ratings.get(Number(r.id)) ?? NO_RATINGS,
  }));
}

/** A case's sub-tasks as the case page shows them. */
export async function listCaseSubtaskViews(
  db: StateDb,
  record: { id: string; title: string; state: CaseState },
): Promise<CaseSubtaskView[]> {
  const subtasks = await listCaseSubtasks(db, record.id);
  const [names, ratings] = await Promise.all([
    namesOf(
      db,
      subtasks.flatMap((s) => [s.assigneeId, s.createdById]),
    ),
    findSubtaskRatings(
      db,
      subtasks.map((s) => s.id),
    ),
  ]);
  return subtasks.map((s) => ({
    ...s,
    assigneeName: names.get(s.assigneeId) ?? s.assigneeId,
    createdByName: names.get(s.createdById) ?? s.createdById,
    caseTitle: record.title,
    caseState: record.state,
    ratings: ratings.get(s.id) ?? NO_RATINGS,
  }));
}

/** Whether a dispatch rule requires its co-handlers' reports before the lead resolves (default: yes). */
export async function coReportsRequired(db: StateDb, ruleId: string | null): Promise<boolean> {
  if (ruleId === null) return true;
  const row = await tables(db)
    .selectFrom('dispatch_rules')
    .select('co_reports_required')
    .where('id', '=', ruleId)
    .executeTakeFirst();
  return row === undefined || Number(row.co_reports_required) !== 0;
}
