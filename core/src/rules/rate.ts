import { apiText } from '../api-texts';
import type { Severity } from '../model';
import { MAX_SECONDS, type Fields, type RuleProblems } from './rule-checks';
import { baseFields, checkBase } from './rule-common';
import type { RateRule } from './rule-types';
import { checkMetricOfType, thresholdSeverity } from './threshold';

/** A device's recent samples of the rule's metric, oldest first: [ts, value] (JSON, persisted). */
export interface RateMemory {
  samples: [number, number][];
  /** The latest change over the window, for the signal. */
  change: number;
}

/** Bounds memory for a chatty device; beyond it the oldest samples go (the window shortens). */
export const MAX_RATE_SAMPLES = 1000;

export function newRateMemory(): RateMemory {
  return { samples: [], change: 0 };
}

/** Change over the window ending at the newest sample: newest − oldest (or the opposite for `fall`). */
export function windowChange(rule: RateRule, samples: readonly [number, number][]): number {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || samples.length < 2) return 0;
  const rise = last[1] - first[1];
  return rule.direction === 'fall' ? -rise : rise;
}

/**
 * One reading through a rate rule; returns the new verdict. A reading older than the newest
 * sample (a device catching up out of order) cannot tell a change and leaves the verdict alone.
 */
export function stepRate(
  rule: RateRule,
  memory: RateMemory,
  condition: Severity | null,
  value: number,
  ts: number,
): Severity | null {
  const newest = memory.samples.at(-1);
  if (newest && ts < newest[0]) return condition;
  memory.samples.push([ts, value]);
  const oldestKept = ts - rule.windowSeconds * 1000;
  let drop = 0;
  while (drop < memory.samples.length - 1 && memory.samples[drop]![0] < oldestKept) drop++;
  drop = Math.max(drop, memory.samples.length - MAX_RATE_SAMPLES);
  if (drop > 0) memory.samples.splice(0, drop);
  memory.change = windowChange(rule, memory.samples);
  return thresholdSeverity(rule, memory.change, condition);
}

export function checkRate(problems: RuleProblems, rule: Fields): void {
  problems.onlyKnown(
    rule,
    baseFields('deviceType', 'metric', 'windowSeconds', 'direction', 'bands', 'clearAtOrBelow'),
  );
  checkBase(problems, rule);
  problems.string(rule, 'deviceType');
  problems.string(rule, 'metric');
  checkMetricOfType(problems, rule.deviceType, rule.metric, 'metric');
  problems.positive(rule, 'windowSeconds', MAX_SECONDS);
  if (rule.direction !== undefined && rule.direction !== 'rise' && rule.direction !== 'fall')
    problems.add(apiText('rule.rateDirection'));
  problems.bands(rule);
}
