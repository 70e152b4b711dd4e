import { classifySignal, severityRank, type CaseRecord, type RiskSignal } from '@gridsense/core';
import { findOpenCaseByCause, hasOtherActiveSource } from '@gridsense/state';
import { tightenForSeverity } from './draft';
import { openOrJoin, type IntakeOutcome } from './intake';
import { commitCase } from './commit-case';
import { loadPolicy, SYSTEM, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

/**
 * The automatic channel: a rule's state change becomes a new case, one more occurrence of the
 * open case of the same cause, a source fused into a related case, or a cleared condition.
 */
export async function applyRisk(ctx: CaseContext, signal: RiskSignal): Promise<IntakeOutcome | undefined> {
  const policy = await loadPolicy(ctx);
  const cause = await findOpenCaseByCause(ctx.db, signal.deviceId, signal.ruleId);
  const at = ctx.now();

  if (signal.severity === null) {
    if (!cause?.sourceActive) return undefined;
    // The condition cleared; the case stays until people close it.
    const stillActive = await hasOtherActiveSource(ctx.db, cause.record.id, cause.sourceId);
    const next: CaseRecord = { ...cause.record, riskActive: stillActive, updatedAt: at };
    await commitCase(ctx, policy, {
      next,
      previous: cause.record,
      write: {
        entries: [
          timelineEntry(SYSTEM, 'risk_cleared', cause.record, next, null, {
            deviceId: signal.deviceId,
            ruleId: signal.ruleId,
            value: signal.value,
          }),
        ],
        sourceUpdates: [{ id: cause.sourceId, active: false, lastAt: signal.at }],
      },
      action: 'risk_cleared',
    });
    return { caseId: next.id, outcome: 'fused' };
  }

  if (cause) {
    // Same cause again: one case, one more occurrence (and earlier deadlines if it got worse).
    const worse = severityRank(signal.severity) > severityRank(cause.record.severity);
    const next: CaseRecord = {
      ...tightenForSeverity(policy, cause.record, signal.severity),
      occurrences: cause.record.occurrences + 1,
      riskActive: true,
      lastSignalAt: at,
      updatedAt: at,
    };
    const data = {
      deviceId: signal.deviceId,
      severity: signal.severity,
      value: signal.value,
      ...(signal.snapshot ? { snapshot: signal.snapshot } : {}),
    };
    await commitCase(ctx, policy, {
      next,
      previous: cause.record,
      write: {
        entries: [timelineEntry(SYSTEM, 'occurred_again', cause.record, next, null, data)],
        sourceUpdates: [{ id: cause.sourceId, active: true, lastAt: signal.at, addCount: 1 }],
      },
      notices:
        worse && next.assigneeId
          ? [
              {
                kind: 'linked',
                record: next,
                to: [next.assigneeId],
                text: {
                  key: 'case.occurredAgain',
                  params: { rule: signal.ruleName, severity: signal.severity },
                },
              },
            ]
          : [],
      action: 'occurred_again',
    });
    return { caseId: next.id, outcome: 'fused' };
  }

  const classification = classifySignal(policy.categories, {
    category: signal.category,
    ruleId: signal.ruleId,
    ...(signal.eventType ? { eventType: signal.eventType } : {}),
  });
  return openOrJoin(ctx, policy, {
    source: 'auto',
    title: signal.ruleName,
    description: null,
    ...classification,
    severity: signal.severity,
    gridId: signal.gridId,
    location: null,
    address: null,
    deviceId: signal.deviceId,
    ruleId: signal.ruleId,
    eventType: signal.eventType ?? null,
    snapshot: signal.snapshot ?? null,
    reporter: null,
    trigger: {
      metric: signal.metric,
      value: signal.value,
      eventType: signal.eventType,
      snapshot: signal.snapshot,
      readingAt: signal.at,
    },
  });
}
