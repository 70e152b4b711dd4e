import {
  compositeGroup,
  compositeSeverity,
  freshSources,
  isScheduleActive,
  isSignOfLife,
  matchesEventRule,
  numericValue,
  observeEvent,
  observeReading,
  stepEvent,
  stepRate,
  stepThreshold,
  thresholdLevels,
  thresholdSeverity,
  type CompositeMemory,
  type CompositeRule,
  type DeviceEvent,
  type DeviceIdentity,
  type EventMemory,
  type NoDataMemory,
  type OfflineMemory,
  type RateMemory,
  type Reading,
  type RiskSignal,
  type Severity,
  type ThresholdMemory,
} from '@gridsense/core';
import type { RuleEntry } from './rule-engine-index';
import type { RuleSlot, settleSubject, SubjectState } from './rule-engine-state';

/** What the per-kind steps need of the engine: its states and its one way of settling them. */
export interface EngineOps {
  stateFor(slot: RuleSlot, subject: string, device: DeviceIdentity, at: number): SubjectState;
  settle(
    slot: RuleSlot,
    subject: string,
    state: SubjectState,
    verdict: Severity | null,
    at: number,
    signals: RiskSignal[],
    details?: Parameters<typeof settleSubject>[4],
  ): void;
}

/** One reading through one listening rule (the index already matched type, metric and scope). */
export function applyReading(
  ops: EngineOps,
  entry: RuleEntry,
  reading: Reading,
  lineage: readonly string[],
  signals: RiskSignal[],
): void {
  const { slot } = entry;
  const rule = slot.rule;
  const at = reading.ts;
  if (rule.kind === 'threshold') {
    const value = numericValue(reading.metrics[rule.metric])!;
    const levels = thresholdLevels(rule, lineage);
    const existing = slot.states.get(reading.deviceId);
    // The common case, a quiet device under a plain threshold, costs a lookup and allocates nothing.
    const plain = rule.forSeconds === undefined && rule.repeat === undefined;
    if (plain && !existing && thresholdSeverity(levels, value, null) === null) return;
    const state = existing ?? ops.stateFor(slot, reading.deviceId, reading, at);
    const verdict = isScheduleActive(rule.schedule, at)
      ? stepThreshold(rule, levels, state.memory as ThresholdMemory, state.condition, value, at)
      : null;
    ops.settle(slot, reading.deviceId, state, verdict, at, signals, { metric: rule.metric, value });
  } else if (rule.kind === 'rate') {
    const state = ops.stateFor(slot, reading.deviceId, reading, at);
    const memory = state.memory as RateMemory;
    const stepped = stepRate(rule, memory, state.condition, numericValue(reading.metrics[rule.metric])!, at);
    const verdict = isScheduleActive(rule.schedule, at) ? stepped : null;
    ops.settle(slot, reading.deviceId, state, verdict, at, signals, {
      metric: rule.metric,
      value: memory.change,
    });
  } else if (rule.kind === 'no_data') {
    if (isSignOfLife(rule, reading)) signOfLife(ops, slot, reading, at, signals);
  } else if (rule.kind === 'offline') backOnline(ops, slot, reading.deviceId, at, signals);
  else if (rule.kind === 'composite')
    applyScenario(ops, slot, rule, lineage, at, signals, (m) =>
      observeReading(rule, m, entry.condition, reading),
    );
}

/** One event through one listening rule. */
export function applyEvent(
  ops: EngineOps,
  entry: RuleEntry,
  event: DeviceEvent,
  lineage: readonly string[],
  signals: RiskSignal[],
): void {
  const { slot } = entry;
  const rule = slot.rule;
  const at = event.ts;
  if (rule.kind === 'offline') backOnline(ops, slot, event.deviceId, at, signals);
  else if (rule.kind === 'no_data' && rule.metric === undefined) signOfLife(ops, slot, event, at, signals);
  else if (rule.kind === 'composite')
    applyScenario(ops, slot, rule, lineage, at, signals, (m) =>
      observeEvent(rule, m, entry.condition, event),
    );
  else if (rule.kind === 'event' && matchesEventRule(rule, event) && isScheduleActive(rule.schedule, at)) {
    const state = ops.stateFor(slot, event.deviceId, event, at);
    const verdict = stepEvent(rule, state.memory as EventMemory, state.condition, at);
    ops.settle(slot, event.deviceId, state, verdict, at, signals, {
      eventType: event.type,
      snapshot: event.snapshot,
    });
  }
}

function signOfLife(
  ops: EngineOps,
  slot: RuleSlot,
  device: DeviceIdentity,
  at: number,
  signals: RiskSignal[],
) {
  const state = ops.stateFor(slot, device.deviceId, device, at);
  const memory = state.memory as NoDataMemory;
  memory.lastSeenAt = Math.max(memory.lastSeenAt, at);
  ops.settle(slot, device.deviceId, state, null, at, signals);
}

/** Any message from a device counts as being back online. */
function backOnline(ops: EngineOps, slot: RuleSlot, deviceId: string, at: number, signals: RiskSignal[]) {
  const state = slot.states.get(deviceId);
  if (!state || (state.memory as OfflineMemory).offlineSince === null) return;
  (state.memory as OfflineMemory).offlineSince = null;
  ops.settle(slot, deviceId, state, null, at, signals);
}

function applyScenario(
  ops: EngineOps,
  slot: RuleSlot,
  rule: CompositeRule,
  lineage: readonly string[],
  at: number,
  signals: RiskSignal[],
  observe: (memory: CompositeMemory) => void,
) {
  const group = compositeGroup(rule, lineage);
  if (group === undefined) return;
  const state = ops.stateFor(slot, group, { deviceId: '', gridId: lineage[0]!, deviceType: '' }, at);
  const memory = state.memory as CompositeMemory;
  observe(memory);
  const verdict = isScheduleActive(rule.schedule, at) ? compositeSeverity(rule, memory, at) : null;
  ops.settle(slot, group, state, verdict, at, signals);
}

/**
 * A scenario's case goes to the first met condition's device, fixed while the risk lasts; its
 * sources are the observations behind it. The engine calls it before settling any scenario verdict.
 */
export function pickRepresentative(
  rule: CompositeRule,
  state: SubjectState,
  verdict: Severity | null,
  at: number,
) {
  const fresh = freshSources(rule, state.memory as CompositeMemory, at);
  if (verdict === null || fresh.length === 0) return;
  state.sources = [...fresh].sort((a, b) => a.at - b.at);
  if (state.severity !== null) return;
  const first = fresh[0]!;
  state.deviceId = first.deviceId;
  state.gridId = first.gridId;
  state.deviceType = first.deviceType;
}
