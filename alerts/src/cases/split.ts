import {
  apiText,
  AppError,
  authorize,
  checkClassification,
  splitProblems,
  type CaseRecord,
  type CaseSplit,
  type User,
} from '@gridsense/core';
import { findCase, findUserById, listRequesters, listTimeline } from '@gridsense/state';
import type { CaseDraft } from './draft';
import { openCase } from './intake';
import { visibleGrids } from './scope';
import { inOneCaseTransaction } from './transaction';
import { commitCase } from './commit-case';
import { loadPolicy, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

export interface SplitOutcome {
  original: CaseRecord;
  created: CaseRecord;
}

/**
 * 拆分: the other matter of a case becomes a case of its own, classified anew by the operator. It
 * opens as the original's channel opens a case (registered by rule or waiting for 立案, then
 * dispatched by the rule list), in the same grid and place, with the same reporter and caller;
 * both timelines name the other. One transaction: both cases or neither (decision 0030).
 */
export async function splitCase(
  ctx: CaseContext,
  user: User,
  caseId: string,
  split: CaseSplit,
): Promise<SplitOutcome> {
  authorize(user, 'case.split');
  return inOneCaseTransaction(ctx, (tx) => splitWithin(tx, user, caseId, split));
}

async function splitWithin(
  ctx: CaseContext,
  user: User,
  caseId: string,
  split: CaseSplit,
): Promise<SplitOutcome> {
  const original = await findCase(ctx.db, caseId);
  if (!original || !(await visibleGrids(ctx, user)).includes(original.gridId))
    throw new AppError('not_found', apiText('notFound.case', { id: caseId }));
  const policy = await loadPolicy(ctx);
  const problems = [...splitProblems(original, split), ...checkClassification(policy.categories, split)];
  if (problems.length > 0) throw new AppError('validation_failed', apiText('split.cannot'), problems);

  const draft = await draftOfSplit(ctx, original, split, user);
  const at = ctx.now();
  const createdId = await openCase(ctx, policy, draft, at, undefined);
  const opened = (await findCase(ctx.db, createdId))!;
  const actor = { id: user.id, name: user.displayName };
  // A sensor's case split in two: the new matter is the operator's finding, not the sensor's alarm.
  const created: CaseRecord = { ...opened, riskActive: false, updatedAt: at };
  await commitCase(ctx, policy, {
    next: created,
    previous: opened,
    write: {
      entries: [
        timelineEntry(actor, 'split_from', opened, created, split.note, {
          caseId: original.id,
          title: original.title,
        }),
      ],
    },
    action: 'split_from',
  });
  const kept: CaseRecord = { ...original, updatedAt: at };
  await commitCase(ctx, policy, {
    next: kept,
    previous: original,
    write: {
      entries: [
        timelineEntry(actor, 'split', original, kept, split.note, {
          caseId: created.id,
          title: created.title,
          category: created.category,
          severity: created.severity,
        }),
      ],
    },
    action: 'split',
  });
  return { original: kept, created };
}

/** The new case's draft: the operator's description, the original's channel, place, reporter and caller. */
async function draftOfSplit(
  ctx: CaseContext,
  original: CaseRecord,
  split: CaseSplit,
  user: User,
): Promise<CaseDraft> {
  const [timeline, requesters] = await Promise.all([
    listTimeline(ctx.db, original.id),
    listRequesters(ctx.db, original.id),
  ]);
  const reporter = original.reporterId ? await findUserById(ctx.db, original.reporterId) : undefined;
  const reportedBy = timeline.find((e) => e.action === 'report')?.actorName;
  const caller = requesters[0];
  return {
    source: original.source,
    title: split.title,
    description: split.description,
    category: split.category,
    subcategory: split.subcategory,
    caseType: split.caseType,
    severity: split.severity,
    gridId: original.gridId,
    location: original.location,
    address: original.address,
    deviceId: null,
    ruleId: null,
    eventType: null,
    snapshot: null,
    reporter: reporter
      ? { id: reporter.id, role: reporter.role, name: reportedBy ?? reporter.displayName }
      : null,
    trigger: { splitFrom: original.id, splitBy: user.displayName },
    ...(caller ? { requester: { name: caller.name, phone: caller.phone } } : {}),
  };
}
