import {
  apiText,
  AppError,
  authorize,
  can,
  type CandidateSource,
  type DispatchCandidateView,
  type DispatchPeopleView,
  type User,
} from '@gridsense/core';
import { findUserById, listDepartments } from '@gridsense/state';
import { suggestFor } from './actions';
import { requireVisible, visibleGrids } from './scope';
import { loadPolicy, type CaseContext } from './context';

/**
 * Whom an operator may dispatch a case in a grid to: everyone on duty whom the rule list could
 * name there and who handles cases, each once (in the order grid, desks, rule references). With a
 * case, also whom the rule list and rosters would pick for it, so a different pick is an override.
 */
export async function dispatchPeople(
  ctx: CaseContext,
  user: User,
  gridId: string,
  caseId: string | undefined,
): Promise<DispatchPeopleView> {
  authorize(user, 'case.dispatch');
  if (!(await visibleGrids(ctx, user)).includes(gridId))
    throw new AppError('not_found', apiText('notFound.grid', { id: gridId }));
  const record = caseId === undefined ? undefined : await requireVisible(ctx, user, caseId);
  if (record && record.gridId !== gridId)
    throw new AppError('validation_failed', apiText('case.notInGrid', { id: record.id, gridId }));

  const policy = await loadPolicy(ctx);
  const at = ctx.now();
  const [groups, departments, suggestion] = await Promise.all([
    ctx.directory.gridCandidates(gridId, at, policy.calendar),
    listDepartments(ctx.db),
    record ? suggestFor(ctx, policy, record) : undefined,
  ]);
  const departmentNames = new Map(departments.map((d) => [d.id, d.name]));
  const candidates: DispatchCandidateView[] = [];
  for (const { ref, people } of groups) {
    for (const person of people) {
      if (candidates.some((c) => c.userId === person.userId)) continue;
      const found = await findUserById(ctx.db, person.userId);
      if (!found || !can(found, 'case.take')) continue;
      candidates.push({
        userId: found.id,
        name: found.displayName,
        role: found.role,
        source: ref.kind satisfies CandidateSource,
        duty: person.duty,
        departmentId: person.departmentId,
        departmentName: person.departmentId ? (departmentNames.get(person.departmentId) ?? null) : null,
      });
    }
  }
  return {
    gridId,
    candidates,
    suggestion: suggestion
      ? { leadId: suggestion.leadId, coHandlerIds: suggestion.coHandlerIds, ruleId: suggestion.ruleId }
      : null,
  };
}
