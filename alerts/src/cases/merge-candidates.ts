import {
  apiText,
  AppError,
  authorize,
  mergeCandidates,
  mergeCandidateView,
  type MergeCandidateView,
  type User,
} from '@gridsense/core';
import { findCase, listOpenCasesAtSamePlace, listOpenCasesOfSameCaller } from '@gridsense/state';
import { visibleGrids } from './scope';
import type { CaseContext } from './context';

/**
 * The open cases of the person's region that may be the same matter as this one: from the same
 * caller (一人多诉, by the keyed hash of the number; the number itself is never shown) or in the
 * same grid and category (多人一诉). For the desk to judge and merge by hand.
 */
export async function listMergeCandidates(
  ctx: CaseContext,
  user: User,
  caseId: string,
): Promise<MergeCandidateView[]> {
  authorize(user, 'case.dispatch');
  const grids = await visibleGrids(ctx, user);
  const target = await findCase(ctx.db, caseId);
  if (!target || !grids.includes(target.gridId))
    throw new AppError('not_found', apiText('notFound.case', { id: caseId }));
  const [sameCaller, samePlace] = await Promise.all([
    listOpenCasesOfSameCaller(ctx.db, target.id),
    listOpenCasesAtSamePlace(ctx.db, target),
  ]);
  const inRegion = (c: { gridId: string }) => grids.includes(c.gridId);
  return mergeCandidates(target, sameCaller.filter(inRegion), samePlace.filter(inRegion)).map(
    mergeCandidateView,
  );
}
