import {
  apiText,
  AppError,
  authorize,
  can,
  newSubtask,
  onDutyNow,
  pickDispatchRule,
  resourceIn,
  subtaskDueAt,
  transitionSubtask,
  type AddCoHandlerInput,
  type CaseRecord,
  type CaseState,
  type CaseSubtaskView,
  type SubtaskCommand,
  type User,
} from '@gridsense/core';
import {
  coReportsRequired,
  findSubtask,
  findUserById,
  insertSubtask,
  listAssignedSubtasks,
  listCaseSubtaskViews,
  listCaseSubtasks,
  listDepartmentMembers,
  listDispatchRules,
  listRosterShifts,
  updateSubtask,
} from '@gridsense/state';
import { withinReach } from './actions';
import type { Notice } from './notices';
import type { CasePolicy } from './policy';
import { requireVisible } from './scope';
import { commitCase } from './commit-case';
import { loadPolicy, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

/** Cases with a lead at work: co-handlers join these (not one waiting for dispatch, nor a resolved one). */
const HANDLED: readonly CaseState[] = ['dispatched', 'accepted', 'in_progress'];

/** The lead of the case, or the desk over its region: who adds co-handlers and calls them off. */
function managesCase(ctx: CaseContext, user: User, record: CaseRecord): boolean {
  return (
    user.id === record.assigneeId || can(user, 'case.dispatch', resourceIn(ctx.regions(), record.gridId))
  );
}

/** The department's on-duty handler (primary first) who takes its sub-task. */
async function departmentHandler(
  ctx: CaseContext,
  policy: CasePolicy,
  departmentId: string,
): Promise<string> {
  const [members, shifts] = await Promise.all([
    listDepartmentMembers(ctx.db, departmentId),
    listRosterShifts(ctx.db, { kind: 'department', id: departmentId }),
  ]);
  const onDuty = onDutyNow(members, shifts, ctx.now(), policy.calendar.utcOffsetMinutes);
  const pick = onDuty[0]?.userId ?? members[0]?.userId;
  if (!pick)
    throw new AppError('validation_failed', apiText('cohandle.departmentNobody', { id: departmentId }));
  return pick;
}

/** Whether the case's dispatch rule wants its co-handlers' reports before the lead resolves. */
async function requiredByRule(ctx: CaseContext, record: CaseRecord): Promise<boolean> {
  const rule = pickDispatchRule(await listDispatchRules(ctx.db), {
    category: record.category,
    subcategory: record.subcategory,
    caseType: record.caseType,
    lineage: ctx.directory.lineage(record.gridId).map((r) => r.id),
  });
  return coReportsRequired(ctx.db, rule?.id ?? null);
}

/** A case's sub-tasks, for whoever may see the case. */
export async function listSubtasksOf(
  ctx: CaseContext,
  user: User,
  caseId: string,
): Promise<CaseSubtaskView[]> {
  const record = await requireVisible(ctx, user, caseId);
  return listCaseSubtaskViews(ctx.db, record);
}

/** A co-handler's own open sub-tasks (their queue). */
export function listMySubtasks(ctx: CaseContext, user: User): Promise<CaseSubtaskView[]> {
  return listAssignedSubtasks(ctx.db, user.id, { openOnly: true });
}

/**
 * 协办: the lead or the desk gives a person, or a department's on-duty handler, a sub-task of the
 * case with its own deadline. The co-handler joins the case's co-handlers (so they see it) and is
 * told; the timeline records who, what and by when.
 */
export async function addCoHandler(
  ctx: CaseContext,
  user: User,
  caseId: string,
  input: AddCoHandlerInput,
): Promise<CaseSubtaskView[]> {
  authorize(user, 'case.cohandle.add');
  const record = await requireVisible(ctx, user, caseId);
  if (!managesCase(ctx, user, record)) throw new AppError('forbidden', apiText('permission.cohandleAdd'));
  if (!HANDLED.includes(record.state))
    throw new AppError('invalid_transition', apiText('cohandle.caseState', { state: record.state }));
  const policy = await loadPolicy(ctx);
  const assigneeId = input.assigneeId ?? (await departmentHandler(ctx, policy, input.departmentId!));
  const person = await findUserById(ctx.db, assigneeId);
  if (!person || !withinReach(ctx, user, person, record.gridId))
    throw new AppError('validation_failed', apiText('cohandle.notInGrid', { id: assigneeId }));
  if (assigneeId === record.assigneeId)
    throw new AppError('validation_failed', apiText('cohandle.leadItself'));
  const open = (await listCaseSubtasks(ctx.db, caseId)).some(
    (s) => s.assigneeId === assigneeId && (s.state === 'created' || s.state === 'accepted'),
  );
  if (open) throw new AppError('validation_failed', apiText('cohandle.alreadyOpen', { id: assigneeId }));

  const now = ctx.now();
  const subtask = newSubtask(
    {
      caseId,
      assigneeId,
      departmentId: input.departmentId,
      required: input.required ?? (await requiredByRule(ctx, record)),
      task: input.task,
      createdById: user.id,
      dueAt: subtaskDueAt(now, input.days, policy.calendar),
    },
    now,
  );

  const next: CaseRecord = {
    ...record,
    updatedAt: now,
    coHandlerIds: record.coHandlerIds.includes(assigneeId)
      ? record.coHandlerIds
      : [...record.coHandlerIds, assigneeId],
  };
  await commitCase(ctx, policy, {
    next,
    previous: record,
    write: {
      entries: [
        timelineEntry({ id: user.id, name: user.displayName }, 'cohandler_added', record, next, input.task, {
          assigneeId,
          assigneeName: person.displayName,
          departmentId: input.departmentId,
          dueAt: subtask.dueAt,
          required: subtask.required,
        }),
      ],
      alongside: async (tx) => void (await insertSubtask(tx, subtask)),
    },
    notices: [
      {
        kind: 'co_assigned',
        record: next,
        to: [assigneeId],
        text: { key: 'subtask.added', params: { title: next.title, task: input.task, dueAt: subtask.dueAt } },
      },
    ],
    action: 'cohandler_added',
  });
  return listCaseSubtaskViews(ctx.db, next);
}

/** A co-handler accepts or reports back; the lead or the desk cancels. One timeline entry each. */
export async function actOnSubtask(
  ctx: CaseContext,
  user: User,
  caseId: string,
  subtaskRef: string | number,
  command: SubtaskCommand,
): Promise<CaseSubtaskView[]> {
  // The case first: someone who may not see it learns nothing, not even that the id is bad.
  const record = await requireVisible(ctx, user, caseId);
  const subtaskId = Number(subtaskRef);
  // Within PostgreSQL's `serial`: a larger id is no sub-task, not a database error.
  if (!Number.isInteger(subtaskId) || subtaskId < 1 || subtaskId > 2_147_483_647)
    throw new AppError('validation_failed', apiText('field.positiveWhole', { field: 'subtaskId' }));
  const current = await findSubtask(ctx.db, subtaskId);
  if (!current || current.caseId !== caseId)
    throw new AppError('not_found', apiText('notFound.subtask', { id: subtaskId }));
  const leadsCase = user.id === record.assigneeId;
  // The desk calls a co-handler off over the case's region, not merely by seeing the case.
  if (command.action === 'cancel' && !leadsCase)
    authorize(user, 'case.dispatch', resourceIn(ctx.regions(), record.gridId));
  const now = ctx.now();
  const result = transitionSubtask(current, command, { id: user.id, role: user.role, leadsCase }, now);
  if (!result.ok) throw new AppError(result.code, result.text);
  const subtask = result.next;
  const next: CaseRecord = { ...record, updatedAt: now };
  const notices: Notice[] = [];
  let note: string | null = null;
  const data: Record<string, unknown> = { subtaskId, assigneeId: subtask.assigneeId };
  if (command.action === 'report') {
    note = subtask.reportNote;
    // Photos in the timeline's data are recorded as the case's evidence (who may read them).
    if (subtask.reportPhotos.length > 0) data.photos = subtask.reportPhotos;
    const to = [record.assigneeId, record.dispatcherId].filter(
      (id): id is string => id !== null && id !== 'system' && id !== user.id,
    );
    // 协办 notices share the co-handling kind, so a channel that wants them subscribes to one kind.
    notices.push({
      kind: 'co_assigned',
      record: next,
      to,
      text: { key: 'subtask.reported', params: { by: user.displayName, title: record.title } },
    });
  } else if (command.action === 'cancel') {
    note = subtask.cancelReason;
    notices.push({
      kind: 'co_assigned',
      record: next,
      to: [subtask.assigneeId],
      text: { key: 'subtask.cancelled', params: { title: record.title, reason: subtask.cancelReason ?? '' } },
    });
  }
  const policy = await loadPolicy(ctx);
  await commitCase(ctx, policy, {
    next,
    previous: record,
    write: {
      entries: [
        timelineEntry(
          { id: user.id, name: user.displayName },
          `subtask_${subtask.state}`,
          record,
          next,
          note,
          data,
        ),
      ],
      alongside: (tx) => updateSubtask(tx, subtask, current),
    },
    notices,
    action: `subtask_${subtask.state}`,
  });
  return listCaseSubtaskViews(ctx.db, next);
}
