import { apiText, AppError, gridsInRegion, type CaseRecord, type User } from '@gridsense/core';
import { findCase, hasSubtaskOn, listDutyGrids, listUserDepartments, type CaseQuery } from '@gridsense/state';
import type { CaseContext } from './context';

/**
 * Who sees which cases (least privilege): a grid worker their duty grids, a department handler
 * only what is theirs, everyone else their region's subtree; plus, for anyone, the cases they lead,
 * co-handle or reported.
 */
export async function visibleGrids(ctx: CaseContext, user: User): Promise<string[]> {
  if (user.role === 'grid_worker') return listDutyGrids(ctx.db, user.id);
  if (user.role === 'handler') return [];
  return gridsInRegion(ctx.regions(), user.regionId);
}

export async function caseScope(
  ctx: CaseContext,
  user: User,
): Promise<Pick<CaseQuery, 'gridIds' | 'handler'>> {
  return {
    gridIds: await visibleGrids(ctx, user),
    handler: { userId: user.id, departmentIds: await listUserDepartments(ctx.db, user.id) },
  };
}

export async function canSee(ctx: CaseContext, user: User, record: CaseRecord): Promise<boolean> {
  if ([record.assigneeId, record.reporterId, ...record.coHandlerIds].includes(user.id)) return true;
  if ((await visibleGrids(ctx, user)).includes(record.gridId)) return true;
  if (
    record.departmentId !== null &&
    (await listUserDepartments(ctx.db, user.id)).includes(record.departmentId)
  )
    return true;
  // 协办: a co-handler keeps sight of the case its sub-task belongs to, even after a re-dispatch.
  return hasSubtaskOn(ctx.db, record.id, user.id);
}

/** The case, or not_found when it does not exist or the user may not see it (no existence leak). */
export async function requireVisible(ctx: CaseContext, user: User, caseId: string): Promise<CaseRecord> {
  const record = await findCase(ctx.db, caseId);
  if (!record || !(await canSee(ctx, user, record)))
    throw new AppError('not_found', apiText('notFound.case', { id: caseId }));
  return record;
}
