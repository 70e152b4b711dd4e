import {
  DEFAULT_FLAPPING,
  newCompositeMemory,
  newEventMemory,
  newRateMemory,
  newSettledState,
  newThresholdMemory,
  settleSeverity,
  type CompositeMemory,
  type EventMemory,
  type MetSource,
  type NoDataMemory,
  type OfflineMemory,
  type RateMemory,
  type RiskSignal,
  type Rule,
  type SettledState,
  type Severity,
  type ThresholdMemory,
} from '@gridsense/core';

export type KindMemory =
  ThresholdMemory | RateMemory | NoDataMemory | OfflineMemory | EventMemory | CompositeMemory;

/**
 * One (rule, subject) the engine follows: the subject is a device, or for a scenario its group
 * (grid or community). JSON all the way down, so it persists and reloads as is.
 */
export interface SubjectState extends SettledState {
  kind: Rule['kind'];
  /** The device signals name: the device itself, or a scenario's representative device. */
  deviceId: string;
  gridId: string;
  deviceType: string;
  memory: KindMemory;
  /** Scenarios: the observations behind the current firing. */
  sources?: MetSource[];
}

/** One rule and the states of its subjects (keyed by device id, or group id for scenarios). */
export interface RuleSlot {
  rule: Rule;
  states: Map<string, SubjectState>;
}

/** A state as the database keeps it. */
export interface PersistedRuleState {
  ruleId: string;
  subject: string;
  severity: Severity | null;
  state: string;
  updatedAt: number;
}

export const stateKey = (ruleId: string, subject: string): string => `${ruleId}\u0000${subject}`;

export function newMemory(rule: Rule, at: number): KindMemory {
  switch (rule.kind) {
    case 'threshold':
      return newThresholdMemory();
    case 'rate':
      return newRateMemory();
    case 'no_data':
      return { lastSeenAt: at };
    case 'offline':
      return { offlineSince: null };
    case 'event':
      return newEventMemory();
    case 'composite':
      return newCompositeMemory(rule);
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

export function newSubjectState(
  rule: Rule,
  device: { deviceId: string; gridId: string; deviceType: string },
  at: number,
): SubjectState {
  return { ...newSettledState(), kind: rule.kind, ...device, memory: newMemory(rule, at) };
}

/**
 * Settles a verdict through flapping suppression; returns the signal for a published change. The
 * value and metric of threshold-like kinds are passed in; scenarios carry their sources.
 */
export function settleSubject(
  rule: Rule,
  state: SubjectState,
  verdict: Severity | null,
  at: number,
  details: { metric?: string; value?: number; eventType?: string; snapshot?: string } = {},
): RiskSignal | undefined {
  const previous = state.severity;
  const published = settleSeverity(state, verdict, at, rule.flapping ?? DEFAULT_FLAPPING);
  if (published === undefined) return undefined;
  const signal: RiskSignal = {
    ruleId: rule.id,
    ruleName: rule.name,
    category: rule.category,
    deviceId: state.deviceId,
    gridId: state.gridId,
    deviceType: state.deviceType,
    severity: published,
    previousSeverity: previous,
    at,
  };
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined) Object.assign(signal, { [key]: value });
  }
  if (state.sources)
    signal.sources = state.sources.map(({ deviceType: _type, snapshot: _snap, ...source }) => source);
  return signal;
}
