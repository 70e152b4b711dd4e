import {
  apiText,
  AppError,
  authorize,
  can,
  decideRating,
  gridsInRegion,
  NO_RATINGS,
  ratingTotals,
  resourceIn,
  type CaseSubtask,
  type CaseSubtaskView,
  type CohandleRatingsView,
  type RatingInput,
  type User,
} from '@gridsense/core';
import {
  findCase,
  findSubtaskRatings,
  listCaseSubtasks,
  listCaseSubtaskViews,
  listDepartments,
  listRatedSubtasks,
  listUserDepartments,
  saveSubtaskRating,
} from '@gridsense/state';
import { canSee } from './cases/scope';
import { commitCase } from './cases/commit-case';
import { loadPolicy, type CaseContext } from './cases/context';
import { timelineEntry } from './cases/timeline-entry';

const MAX_PERIOD_MS = 366 * 86_400_000;

/** Whether the person stands for the co-handling side of a sub-task: its co-handler or its department. */
const coHandlingSide = (subtask: CaseSubtask, user: User, departments: readonly string[]) =>
  subtask.assigneeId === user.id ||
  (subtask.departmentId !== null && departments.includes(subtask.departmentId));

/**
 * 好差评 of 协办 (decision 0032): the lead side rates a reported sub-task's work, the co-handling
 * side rates the request. One timeline entry per rating or change (so it is audited with the case),
 * the rating row in the same transaction. A department's members may rate back even when they
 * cannot otherwise see the case (a colleague of theirs co-handled it).
 */
export async function rateSubtask(
  ctx: CaseContext,
  user: User,
  caseId: string,
  subtaskRef: string | number,
  input: RatingInput,
): Promise<CaseSubtaskView[]> {
  authorize(user, 'subtask.rate');
  const record = await findCase(ctx.db, caseId);
  const [subtasks, departments] = await Promise.all([
    record ? listCaseSubtasks(ctx.db, caseId) : Promise.resolve([]),
    listUserDepartments(ctx.db, user.id),
  ]);
  // The case first: someone who may not see it learns nothing, not even that the id is bad.
  if (
    !record ||
    !(subtasks.some((s) => coHandlingSide(s, user, departments)) || (await canSee(ctx, user, record)))
  )
    throw new AppError('not_found', apiText('notFound.case', { id: caseId }));
  const subtaskId = Number(subtaskRef);
  if (!Number.isInteger(subtaskId) || subtaskId < 1 || subtaskId > 2_147_483_647)
    throw new AppError('validation_failed', apiText('field.positiveWhole', { field: 'subtaskId' }));
  const subtask = subtasks.find((s) => s.id === subtaskId);
  if (!subtask) throw new AppError('not_found', apiText('notFound.subtask', { id: subtaskId }));

  const ownSide = coHandlingSide(subtask, user, departments);
  const managesCase =
    user.id === record.assigneeId || can(user, 'case.dispatch', resourceIn(ctx.regions(), record.gridId));
  const current = ((await findSubtaskRatings(ctx.db, [subtaskId])).get(subtaskId) ?? NO_RATINGS)[input.side];
  const now = ctx.now();
  const result = decideRating(
    subtask,
    current,
    input,
    {
      id: user.id,
      name: user.displayName,
      // Nobody rates their own side's part: the co-handling side its work, the lead its request.
      leadSide: managesCase && !ownSide,
      cohandlerSide: ownSide && user.id !== record.assigneeId,
    },
    now,
  );
  if (!result.ok) throw new AppError(result.code, result.text);
  const rating = result.next;

  const next = { ...record, updatedAt: now };
  const policy = await loadPolicy(ctx);
  await commitCase(ctx, policy, {
    next,
    previous: record,
    write: {
      entries: [
        timelineEntry(
          { id: user.id, name: user.displayName },
          'subtask_rated',
          record,
          next,
          rating.comment,
          {
            subtaskId,
            side: rating.side,
            grade: rating.grade,
            assigneeId: subtask.assigneeId,
            departmentId: subtask.departmentId,
            changed: result.changed,
          },
        ),
      ],
      alongside: (tx) => saveSubtaskRating(tx, rating, result.changed ? current : null),
    },
    action: 'subtask_rated',
  });
  return listCaseSubtaskViews(ctx.db, next);
}

export interface RatingsQuery {
  from: number;
  to: number;
  departmentId?: string;
  regionId?: string;
}

/**
 * The ratings one subject received and gave over a period (its sub-tasks reported in it): a
 * department for its members and for the command centre over the department's region; a region for
 * the command centre over it. Without either, a department's member reads their department, the
 * command centre their own region.
 */
export async function listCohandleRatings(
  ctx: CaseContext,
  user: User,
  query: RatingsQuery,
): Promise<CohandleRatingsView> {
  authorize(user, 'cohandle.rating.read');
  if (!(query.from < query.to) || query.to - query.from > MAX_PERIOD_MS)
    throw new AppError('validation_failed', apiText('range.withinYear'));
  if (query.departmentId !== undefined && query.regionId !== undefined)
    throw new AppError('validation_failed', apiText('rating.departmentOrRegion'));
  const regions = ctx.regions();
  const [departments, mine] = await Promise.all([
    listDepartments(ctx.db),
    listUserDepartments(ctx.db, user.id),
  ]);
  const oversees = (regionId: string) => can(user, 'assessment.read', resourceIn(regions, regionId));
  const departmentId =
    query.departmentId ?? (query.regionId === undefined && !oversees(user.regionId) ? mine[0] : undefined);
  const period = { from: query.from, to: query.to };
  const names = Object.fromEntries(departments.map((d) => [d.id, d.name]));

  if (departmentId !== undefined) {
    const department = departments.find((d) => d.id === departmentId);
    if (!department) throw new AppError('not_found', apiText('notFound.department', { id: departmentId }));
    if (!mine.includes(department.id) && !oversees(department.regionId))
      throw new AppError('forbidden', apiText('rating.readForbidden'));
    const rows = await listRatedSubtasks(ctx.db, { ...period, departmentIds: [department.id] });
    return {
      ...period,
      subject: { kind: 'department', id: department.id, name: department.name },
      ...ratingTotals('department', rows),
      rows,
      departments: names,
    };
  }
  const regionId = query.regionId ?? user.regionId;
  const region = regions.find((r) => r.id === regionId);
  if (!region || !oversees(region.id))
    throw new AppError('not_found', apiText('notFound.region', { id: regionId }));
  const rows = await listRatedSubtasks(ctx.db, { ...period, gridIds: gridsInRegion(regions, region.id) });
  return {
    ...period,
    subject: { kind: 'region', id: region.id, name: region.name },
    ...ratingTotals('region', rows),
    rows,
    departments: names,
  };
}
