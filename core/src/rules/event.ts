import type { Severity } from '../model';
import type { DeviceEvent } from '../reading';
import { MAX_SECONDS, type Fields, type RuleProblems } from './rule-checks';
import { baseFields, checkBase } from './rule-common';
import type { EventRule } from './rule-types';

export const DEFAULT_EVENT_CLEAR_AFTER_SECONDS = 300;

/** Type and confidence; an event without a confidence counts as certain. */
export function matchesEventRule(
  rule: Pick<EventRule, 'eventType' | 'minConfidence'>,
  event: DeviceEvent,
): boolean {
  return event.type === rule.eventType && (event.confidence ?? 1) >= rule.minConfidence;
}

/** Recent matching events of one device (JSON, persisted). */
export interface EventMemory {
  /** Times of matching events inside the repeat window, oldest first. */
  times: number[];
  lastMatchAt: number;
}

export function newEventMemory(): EventMemory {
  return { times: [], lastMatchAt: 0 };
}

/** A matching event at `ts`: fires once enough of them fell inside the repeat window. */
export function stepEvent(
  rule: EventRule,
  memory: EventMemory,
  condition: Severity | null,
  ts: number,
): Severity | null {
  memory.lastMatchAt = Math.max(memory.lastMatchAt, ts);
  if (!rule.repeat) return rule.severity;
  const since = ts - rule.repeat.withinSeconds * 1000;
  memory.times = memory.times.filter((t) => t > since && t <= ts);
  memory.times.push(ts);
  if (memory.times.length > rule.repeat.count)
    memory.times.splice(0, memory.times.length - rule.repeat.count);
  return condition !== null || memory.times.length >= rule.repeat.count ? rule.severity : null;
}

/** An event risk resolves after a quiet spell with no matching event. */
export function quietEventSeverity(
  rule: EventRule,
  memory: EventMemory,
  condition: Severity | null,
  now: number,
): Severity | null {
  if (condition === null) return null;
  const quietMs = (rule.clearAfterSeconds ?? DEFAULT_EVENT_CLEAR_AFTER_SECONDS) * 1000;
  return now - memory.lastMatchAt >= quietMs ? null : condition;
}

export function checkEvent(problems: RuleProblems, rule: Fields): void {
  problems.onlyKnown(
    rule,
    baseFields('eventType', 'minConfidence', 'severity', 'repeat', 'clearAfterSeconds'),
  );
  checkBase(problems, rule);
  problems.string(rule, 'eventType');
  problems.confidence(rule, 'minConfidence');
  problems.severity(rule, 'severity');
  if (rule.repeat !== undefined) {
    const repeat = problems.object(rule.repeat, 'repeat');
    if (repeat) {
      problems.onlyKnown(repeat, ['count', 'withinSeconds'], 'repeat.');
      problems.integer(repeat, 'count', 1, 1000, 'repeat.count');
      problems.positive(repeat, 'withinSeconds', MAX_SECONDS, 'repeat.withinSeconds');
    }
  }
  if (rule.clearAfterSeconds !== undefined) problems.positive(rule, 'clearAfterSeconds', MAX_SECONDS);
}
