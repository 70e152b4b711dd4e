import {
  apiText,
  AppError,
  authorize,
  mergedCounts,
  mergeProblems,
  severityRank,
  type CaseRecord,
  type User,
} from '@gridsense/core';
import {
  findCase,
  findFusionDevice,
  listCaseSources,
  listChildCases,
  listRequesters,
  listTimeline,
  type NewCaseSource,
} from '@gridsense/state';
import { actOnCase } from './actions';
import { tightenForSeverity } from './draft';
import { severityRaisedNotice } from './intake';
import type { Notice } from './notices';
import { visibleGrids } from './scope';
import { inOneCaseTransaction } from './transaction';
import { commitCase } from './commit-case';
import { loadPolicy, type CaseContext } from './context';

/**
 * An operator's explicit merge (人工合并): `keptId` takes in `absorbedId` — its signals, its count,
 * a worse severity — and the absorbed case closes as its duplicate (重复件) through the one
 * transition function. Both cases must be in the person's region; every step is on the timeline
 * and so in the audit chain. All of it is one transaction: a failure anywhere leaves both cases
 * as they were (decision 0030).
 */
export async function mergeCases(
  ctx: CaseContext,
  user: User,
  keptId: string,
  absorbedId: string,
  note: string | null,
): Promise<CaseRecord> {
  authorize(user, 'case.dispatch');
  return inOneCaseTransaction(ctx, (tx) => mergeWithin(tx, user, keptId, absorbedId, note));
}

async function mergeWithin(
  ctx: CaseContext,
  user: User,
  keptId: string,
  absorbedId: string,
  note: string | null,
): Promise<CaseRecord> {
  const grids = await visibleGrids(ctx, user);
  const inScope = async (id: string) => {
    const record = await findCase(ctx.db, id);
    if (!record || !grids.includes(record.gridId))
      throw new AppError('not_found', apiText('notFound.case', { id }));
    return record;
  };
  const kept = await inScope(keptId);
  const absorbed = await inScope(absorbedId);
  const problems = mergeProblems({
    kept,
    absorbed,
    absorbedChildren: (await listChildCases(ctx.db, absorbed.id)).length,
  });
  if (problems.length > 0)
    throw new AppError('validation_failed', apiText('invalid.casesCannotMerge'), problems);

  const [sources, timeline, requesters] = await Promise.all([
    listCaseSources(ctx.db, absorbed.id),
    listTimeline(ctx.db, absorbed.id),
    listRequesters(ctx.db, absorbed.id),
  ]);
  // First the absorbed case closes as a duplicate (scope, role and state checked by the move).
  await actOnCase(ctx, user, absorbed.id, {
    action: 'void',
    reason: 'duplicate',
    duplicateOfId: kept.id,
    ...(note ? { note } : {}),
  });

  const policy = await loadPolicy(ctx);
  const current = (await findCase(ctx.db, kept.id))!;
  const at = ctx.now();
  const next: CaseRecord = {
    ...tightenForSeverity(policy, current, absorbed.severity),
    ...mergedCounts(current, absorbed),
    updatedAt: at,
  };
  const raised = severityRank(next.severity) > severityRank(current.severity);
  const device = absorbed.deviceId ? await findFusionDevice(ctx.db, absorbed.deviceId) : undefined;
  const reportEntry = timeline.find((e) => e.action === 'report');
  const report = reportEntry?.data ?? {};
  const photos = Array.isArray(report.photos) ? report.photos : [];
  const place = absorbed.location ?? (device ? { lat: device.lat, lng: device.lng } : null);
  const data = {
    kind: absorbed.source,
    caseId: absorbed.id,
    title: absorbed.title,
    category: absorbed.category,
    gridId: absorbed.gridId,
    severity: absorbed.severity,
    ...(device ? { deviceId: device.id, deviceName: device.name, deviceType: device.type } : {}),
    ...(photos.length > 0 ? { photos } : {}),
    ...(typeof report.snapshot === 'string' ? { snapshot: report.snapshot } : {}),
    ...(place ? { location: place } : {}),
    ...(absorbed.address ? { address: absorbed.address } : {}),
    ...(absorbed.reporterId && reportEntry
      ? { reporterId: absorbed.reporterId, reporterName: reportEntry.actorName }
      : {}),
    ...(raised ? { severityRaised: { from: current.severity, to: next.severity } } : {}),
  };
  const newSources: NewCaseSource[] = sources
    .filter((s) => !s.suppressed)
    .map((s) => ({
      kind: s.kind,
      deviceId: s.deviceId,
      ruleId: s.ruleId,
      category: s.category,
      eventType: s.eventType,
      snapshot: s.snapshot,
      active: s.active,
      suppressed: false,
      at: s.firstAt,
    }));
  const what = { title: absorbed.title, source: absorbed.id };
  const notices: Notice[] = raised
    ? [await severityRaisedNotice(ctx, policy, current, next, what)]
    : next.assigneeId
      ? [{ kind: 'linked', record: next, to: [next.assigneeId], text: { key: 'case.linked', params: what } }]
      : [];
  await commitCase(ctx, policy, {
    next,
    previous: current,
    write: {
      entries: [
        {
          at,
          actorId: user.id,
          actorName: user.displayName,
          action: 'merged',
          fromState: current.state,
          toState: next.state,
          note,
          data,
        },
      ],
      newSources,
      // The caller comes along (sealed again), so the callback (回访) is made from the kept case.
      ...(requesters[0] ? { requester: { name: requesters[0].name, phone: requesters[0].phone } } : {}),
    },
    notices,
    action: raised ? 'severity_raised' : 'merged',
  });
  return next;
}
