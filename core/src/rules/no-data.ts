import { apiText } from '../api-texts';
import type { Severity } from '../model';
import type { Reading } from '../reading';
import { MAX_SECONDS, type Fields, type RuleProblems } from './rule-checks';
import { baseFields, checkBase } from './rule-common';
import type { NoDataRule, OfflineRule } from './rule-types';
import { checkMetricOfType, numericValue } from './threshold';

/** When the device last sent what the rule waits for (JSON, persisted). */
export interface NoDataMemory {
  lastSeenAt: number;
}

/** Whether a reading is the sign of life a no-data rule waits for. */
export function isSignOfLife(rule: NoDataRule, reading: Reading): boolean {
  if (rule.metric === undefined) return true;
  const value = numericValue(reading.metrics[rule.metric]);
  if (value === undefined) return false;
  return rule.equals === undefined || value === numericValue(rule.equals);
}

/** The verdict at `now`: silent for `silentForSeconds` or longer fires. */
export function noDataSeverity(rule: NoDataRule, memory: NoDataMemory, now: number): Severity | null {
  return now - memory.lastSeenAt >= rule.silentForSeconds * 1000 ? rule.severity : null;
}

/** Since when the device has been offline, or null while online (JSON, persisted). */
export interface OfflineMemory {
  offlineSince: number | null;
}

export function offlineSeverity(rule: OfflineRule, memory: OfflineMemory, now: number): Severity | null {
  return memory.offlineSince !== null && now - memory.offlineSince >= rule.forSeconds * 1000
    ? rule.severity
    : null;
}

export function checkNoData(problems: RuleProblems, rule: Fields): void {
  problems.onlyKnown(rule, baseFields('deviceType', 'metric', 'equals', 'silentForSeconds', 'severity'));
  checkBase(problems, rule);
  problems.string(rule, 'deviceType');
  if (rule.metric !== undefined && problems.string(rule, 'metric'))
    checkMetricOfType(problems, rule.deviceType, rule.metric, 'metric');
  if (rule.equals !== undefined) {
    if (rule.metric === undefined) problems.add(apiText('rule.equalsNeedsMetric'));
    const ok =
      typeof rule.equals === 'boolean' || (typeof rule.equals === 'number' && Number.isFinite(rule.equals));
    if (!ok) problems.add(apiText('rule.equalsShape'));
  }
  problems.positive(rule, 'silentForSeconds', MAX_SECONDS);
  problems.severity(rule, 'severity');
}

export function checkOffline(problems: RuleProblems, rule: Fields): void {
  problems.onlyKnown(rule, baseFields('forSeconds', 'severity'));
  checkBase(problems, rule);
  problems.positive(rule, 'forSeconds', MAX_SECONDS);
  problems.severity(rule, 'severity');
}
