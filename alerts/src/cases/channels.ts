import {
  apiText,
  AppError,
  authorize,
  can,
  checkClassification,
  gridsInRegion,
  type HotlineEntry,
  type PatrolReport,
  type User,
} from '@gridsense/core';
import { findUserById, recordIntakeChoice } from '@gridsense/state';
import { withinReach } from './actions';
import { openOrJoin, type IntakeOutcome } from './intake';
import type { CasePolicy } from './policy';
import { visibleGrids } from './scope';
import { loadPolicy, type CaseContext } from './context';

/**
 * Keeps what the intake classifier suggested beside the category the person chose, when the form
 * sent its suggestion, so the suggestion's agreement can be measured (`intake-suggester.ts`).
 */
async function keepSuggestion(
  ctx: CaseContext,
  user: User,
  channel: 'hotline' | 'patrol',
  input: PatrolReport | HotlineEntry,
  outcome: IntakeOutcome,
): Promise<IntakeOutcome> {
  if (input.suggested)
    await recordIntakeChoice(ctx.db, {
      caseId: outcome.caseId,
      channel,
      userId: user.id,
      suggested: input.suggested,
      chosen: input.caseType ?? input.subcategory ?? input.category,
      at: ctx.now(),
    });
  return outcome;
}

function checkCategory(policy: CasePolicy, input: PatrolReport | HotlineEntry): void {
  const errors = checkClassification(policy.categories, input);
  if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.classification'), errors);
}

/** 主动发现: a grid worker's patrol report, placed in the grid that contains its location. */
export async function reportFromPatrol(
  ctx: CaseContext,
  user: User,
  report: PatrolReport,
): Promise<IntakeOutcome> {
  authorize(user, 'case.report');
  const policy = await loadPolicy(ctx);
  checkCategory(policy, report);
  const gridId = ctx.directory.gridAt(report.location.lat, report.location.lng);
  if (!gridId) throw new AppError('validation_failed', apiText('case.outsideEveryGrid'));
  // A grid worker reports in their duty grids, anyone else in their region.
  if (!(await visibleGrids(ctx, user)).includes(gridId))
    throw new AppError('forbidden', apiText('case.gridNotInRegion', { id: gridId }));
  const outcome = await openOrJoin(ctx, policy, {
    source: 'patrol',
    title: report.title,
    description: report.description,
    category: report.category,
    subcategory: report.subcategory,
    caseType: report.caseType,
    severity: report.severity,
    gridId,
    location: report.location,
    address: report.address,
    deviceId: null,
    ruleId: null,
    eventType: null,
    snapshot: report.photos[0] ?? null,
    reporter: { id: user.id, role: user.role, name: user.displayName },
    trigger: { photos: report.photos, location: report.location },
    selfHandle: report.selfHandle,
  });
  return keepSuggestion(ctx, user, 'patrol', report, outcome);
}

/** 被动发现: a hotline call entered by an operator; the caller is stored but only shown masked. */
export async function reportFromHotline(
  ctx: CaseContext,
  user: User,
  call: HotlineEntry,
): Promise<IntakeOutcome> {
  authorize(user, 'case.hotline');
  const policy = await loadPolicy(ctx);
  checkCategory(policy, call);
  const located = call.location ? ctx.directory.gridAt(call.location.lat, call.location.lng) : undefined;
  const gridId = located ?? call.gridId;
  if (!gridId) throw new AppError('validation_failed', apiText('case.outsideEveryGrid'));
  if (!gridsInRegion(ctx.regions(), user.regionId).includes(gridId))
    throw new AppError('validation_failed', apiText('case.gridNotInRegion', { id: gridId }));
  if (call.assigneeId) {
    const assignee = await findUserById(ctx.db, call.assigneeId);
    if (!assignee || !can(assignee, 'case.take'))
      throw new AppError('validation_failed', apiText('case.notAssignable', { id: call.assigneeId }));
    if (!withinReach(ctx, user, assignee, gridId))
      throw new AppError('validation_failed', apiText('case.outsideCaseRegion', { id: call.assigneeId }));
  }
  const outcome = await openOrJoin(ctx, policy, {
    source: 'hotline',
    title: call.title,
    description: call.description,
    category: call.category,
    subcategory: call.subcategory,
    caseType: call.caseType,
    severity: call.severity,
    gridId,
    location: call.location,
    address: call.address,
    deviceId: null,
    ruleId: null,
    eventType: null,
    snapshot: null,
    reporter: { id: user.id, role: user.role, name: user.displayName },
    trigger: { channel: 'hotline', address: call.address },
    requester: { name: call.callerName, phone: call.callerPhone },
    ...(call.assigneeId ? { override: { assigneeId: call.assigneeId, note: call.overrideNote } } : {}),
  });
  return keepSuggestion(ctx, user, 'hotline', call, outcome);
}
