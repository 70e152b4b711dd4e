import { ESCALATION_LEVELS, type CaseRecord } from '@gridsense/core';
import { SYSTEM, type CaseContext } from './context';
import type { CasePolicy } from './policy';

/** Who re-dispatches a returned case: the person who dispatched it, else the desk of its level. */
export async function dispatchDesk(
  ctx: CaseContext,
  policy: CasePolicy,
  before: CaseRecord,
  after: CaseRecord,
) {
  if (before.dispatcherId && before.dispatcherId !== SYSTEM.id) return [before.dispatcherId];
  const level = ESCALATION_LEVELS.indexOf(after.escalationLevel) < 1 ? 'community' : after.escalationLevel;
  return ctx.directory.levelPeople(after.gridId, level, ctx.now(), policy.calendar);
}
