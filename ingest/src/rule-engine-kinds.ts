import {
  compositeSeverity,
  DEFAULT_FLAPPING,
  isMaturing,
  isScheduleActive,
  maturedSeverity,
  noDataSeverity,
  offlineSeverity,
  quietEventSeverity,
  thresholdLevels,
  type CompositeMemory,
  type EventMemory,
  type NoDataMemory,
  type OfflineMemory,
  type Rule,
  type Severity,
  type ThresholdMemory,
} from '@gridsense/core';
import type { SubjectState } from './rule-engine-state';

/**
 * The verdict the clock alone gives a state at `now` (durations maturing, silence, quiet events,
 * scenario windows passing, schedules ending), or undefined when time changes nothing for it.
 */
export function timedVerdict(
  rule: Rule,
  state: SubjectState,
  now: number,
  lineageOf: (gridId: string) => readonly string[],
): Severity | null | undefined {
  const active = isScheduleActive(rule.schedule, now);
  switch (rule.kind) {
    case 'threshold': {
      if (!active) return null;
      const memory = state.memory as ThresholdMemory;
      if (rule.forSeconds === undefined || !isMaturing(memory, state.condition)) return undefined;
      return maturedSeverity(rule, thresholdLevels(rule, lineageOf(state.gridId)), memory, now);
    }
    case 'rate':
      return active ? undefined : null;
    case 'no_data':
      return active ? noDataSeverity(rule, state.memory as NoDataMemory, now) : null;
    case 'offline':
      return active ? offlineSeverity(rule, state.memory as OfflineMemory, now) : null;
    case 'event':
      return active ? quietEventSeverity(rule, state.memory as EventMemory, state.condition, now) : null;
    case 'composite':
      return active ? compositeSeverity(rule, state.memory as CompositeMemory, now) : null;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/**
 * A state with nothing worth keeping is dropped, so memory follows activity, not devices × rules.
 * Recent changes are kept as the flapping memory.
 */
export function isQuiet(rule: Rule, state: SubjectState, at: number): boolean {
  if (state.severity !== null || state.condition !== null) return false;
  const windowMs = (rule.flapping ?? DEFAULT_FLAPPING).windowSeconds * 1000;
  if (state.changes.length > 0 && at - state.changes.at(-1)! < windowMs) return false;
  switch (rule.kind) {
    case 'threshold':
      return rule.repeat === undefined && !isMaturing(state.memory as ThresholdMemory, null);
    case 'offline':
      return (state.memory as OfflineMemory).offlineSince === null;
    case 'event':
      return rule.repeat === undefined;
    case 'composite': {
      // Rise conditions need their samples, even before anything was met.
      const memory = state.memory as CompositeMemory;
      return memory.met.every((m) => m === null) && Object.keys(memory.samples).length === 0;
    }
    case 'rate':
    case 'no_data':
      return false;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}
