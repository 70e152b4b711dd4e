import { apiText } from '../api-texts';
import type { Severity } from '../model';
import type { DeviceEvent, Reading } from '../reading';
import { MAX_SECONDS, type Fields, type RuleProblems } from './rule-checks';
import { checkBase, baseFields } from './rule-common';
import { matchesEventRule } from './event';
import { MAX_RATE_SAMPLES } from './rate';
import type { CompositeRule, RiskSource, ScenarioCondition } from './rule-types';
import { checkMetricOfType, numericValue } from './threshold';

export type MetSource = RiskSource & { deviceType: string; snapshot?: string };

/** What a scenario remembers per group (grid or community); JSON, persisted. */
export interface CompositeMemory {
  /** Per condition: the latest observation that met it, or null. */
  met: (MetSource | null)[];
  /** Rise conditions: recent samples per `${condition}:${deviceId}`, oldest first. */
  samples: Record<string, [number, number][]>;
}

export function newCompositeMemory(rule: CompositeRule): CompositeMemory {
  return { met: rule.conditions.map(() => null), samples: {} };
}

/** The group a device's observations count towards: its grid, or the grid's community. */
export function compositeGroup(rule: CompositeRule, lineage: readonly string[]): string | undefined {
  return rule.groupBy === 'community' ? (lineage[1] ?? lineage[0]) : lineage[0];
}

/** What a met condition remembers; built only then, since most readings meet nothing. */
const metSource = (reading: Reading, metric: string, value: number): MetSource => ({
  deviceId: reading.deviceId,
  gridId: reading.gridId,
  deviceType: reading.deviceType,
  at: reading.ts,
  metric,
  value,
});

/** A reading of a device, offered to condition `index` (same device type and metric). */
export function observeReading(
  rule: CompositeRule,
  memory: CompositeMemory,
  index: number,
  reading: Reading,
): void {
  const condition = rule.conditions[index];
  if (!condition || 'eventType' in condition) return;
  const value = numericValue(reading.metrics[condition.metric]);
  if (value === undefined) return;
  if ('above' in condition) {
    if (value > condition.above) meet(memory, index, metSource(reading, condition.metric, value));
    return;
  }
  const key = `${index}:${reading.deviceId}`;
  const samples = (memory.samples[key] ??= []);
  if (samples.length > 0 && reading.ts < samples.at(-1)![0]) return;
  samples.push([reading.ts, value]);
  const oldest = reading.ts - condition.withinSeconds * 1000;
  while (samples.length > 1 && (samples[0]![0] < oldest || samples.length > MAX_RATE_SAMPLES))
    samples.shift();
  const rise = value - samples[0]![1];
  if (rise >= condition.risesBy) meet(memory, index, metSource(reading, condition.metric, rise));
}

/** An event of a device, offered to condition `index` (same event type). */
export function observeEvent(
  rule: CompositeRule,
  memory: CompositeMemory,
  index: number,
  event: DeviceEvent,
): void {
  const condition = rule.conditions[index];
  if (!condition || !('eventType' in condition)) return;
  if (
    !matchesEventRule({ eventType: condition.eventType, minConfidence: condition.minConfidence ?? 0 }, event)
  )
    return;
  const source: MetSource = {
    deviceId: event.deviceId,
    gridId: event.gridId,
    deviceType: event.deviceType,
    at: event.ts,
    eventType: event.type,
  };
  if (event.snapshot !== undefined) source.snapshot = event.snapshot;
  meet(memory, index, source);
}

function meet(memory: CompositeMemory, index: number, source: MetSource): void {
  const previous = memory.met[index];
  if (!previous || previous.at <= source.at) memory.met[index] = source;
}

/** The conditions still met at `now` (within the window), by condition order. */
export function freshSources(rule: CompositeRule, memory: CompositeMemory, now: number): MetSource[] {
  const since = now - rule.withinSeconds * 1000;
  return memory.met.filter((m): m is MetSource => m !== null && m.at >= since);
}

/** The scenario's verdict at `now`: all (or any) conditions met within the window. */
export function compositeSeverity(
  rule: CompositeRule,
  memory: CompositeMemory,
  now: number,
): Severity | null {
  const fresh = freshSources(rule, memory, now).length;
  const satisfied = rule.match === 'all' ? fresh === rule.conditions.length : fresh > 0;
  return satisfied ? rule.severity : null;
}

const CONDITION_SHAPES = [
  'deviceType + metric + above',
  'deviceType + metric + risesBy + withinSeconds',
  'eventType (+ minConfidence)',
].join(', or ');

function checkCondition(problems: RuleProblems, item: unknown, path: string): void {
  const c = problems.object(item, path);
  if (!c) return;
  const prefix = `${path}.`;
  if ('eventType' in c) {
    problems.onlyKnown(c, ['eventType', 'minConfidence'], prefix);
    problems.string(c, 'eventType', `${path}.eventType`);
    if (c.minConfidence !== undefined) problems.confidence(c, 'minConfidence', `${path}.minConfidence`);
    return;
  }
  if ('above' in c) {
    problems.onlyKnown(c, ['deviceType', 'metric', 'above'], prefix);
    problems.number(c, 'above', `${path}.above`);
  } else if ('risesBy' in c) {
    problems.onlyKnown(c, ['deviceType', 'metric', 'risesBy', 'withinSeconds'], prefix);
    problems.positive(c, 'risesBy', Infinity, `${path}.risesBy`);
    problems.positive(c, 'withinSeconds', MAX_SECONDS, `${path}.withinSeconds`);
  } else {
    problems.add(apiText('rule.conditionShape', { field: path, shapes: CONDITION_SHAPES }));
    return;
  }
  problems.string(c, 'deviceType', `${path}.deviceType`);
  problems.string(c, 'metric', `${path}.metric`);
  checkMetricOfType(problems, c.deviceType, c.metric, `${path}.metric`);
}

export function checkComposite(problems: RuleProblems, rule: Fields): void {
  problems.onlyKnown(rule, baseFields('match', 'groupBy', 'withinSeconds', 'conditions', 'severity'));
  checkBase(problems, rule);
  if (rule.match !== 'all' && rule.match !== 'any') problems.add(apiText('rule.matchAllAny'));
  if (rule.groupBy !== 'grid' && rule.groupBy !== 'community') problems.add(apiText('rule.groupBy'));
  problems.positive(rule, 'withinSeconds', MAX_SECONDS);
  problems.severity(rule, 'severity');
  const conditions: unknown = rule.conditions;
  if (!Array.isArray(conditions) || conditions.length === 0 || conditions.length > 10)
    problems.add(apiText('rule.conditionsCount'));
  else conditions.forEach((c: unknown, i) => checkCondition(problems, c, `conditions[${i}]`));
}

/** Index keys of a condition: the (device type, metric) or event type it listens to. */
export function conditionKey(
  condition: ScenarioCondition,
): { deviceType: string; metric: string } | { eventType: string } {
  return 'eventType' in condition
    ? { eventType: condition.eventType }
    : { deviceType: condition.deviceType, metric: condition.metric };
}
