import { apiText } from '../api-texts';
import { deviceTypeSpec } from '../device-types';
import { severityRank, type Severity } from '../model';
import type { Reading } from '../reading';
import { MAX_SECONDS, type Fields, type RuleProblems } from './rule-checks';
import { baseFields, checkBase } from './rule-common';
import {
  THRESHOLD_DIRECTIONS,
  type FloorBand,
  type FloorOverride,
  type RiskSignal,
  type ThresholdBand,
  type ThresholdDirection,
  type ThresholdOverride,
  type ThresholdRule,
} from './rule-types';

/**
 * Bands and clear level in force for one device (after per-region overrides). A rule, an override
 * and a rate rule are their own levels; which side they fire on shows in the clear level's name.
 */
export type ThresholdLevels =
  | { bands: readonly ThresholdBand[]; clearAtOrBelow: number }
  | { bands: readonly FloorBand[]; clearAtOrAbove: number };

/** Whether a value is in a band: strictly above an `above` band, at or below a `below` band. */
export function inBand(band: ThresholdBand | FloorBand, value: number): boolean {
  return 'below' in band ? value <= band.below : value > band.above;
}

/** Hysteresis: whether a firing rule holds at this value (it has not yet come back to its clear level). */
function holds(levels: ThresholdLevels, value: number): boolean {
  return 'clearAtOrAbove' in levels ? value < levels.clearAtOrAbove : value > levels.clearAtOrBelow;
}

/** The band nearest normal: the lowest of an above rule, the highest of a below rule. */
function mildestBand(levels: ThresholdLevels): ThresholdBand | FloorBand | undefined {
  let mildest: ThresholdBand | FloorBand | undefined;
  for (const band of levels.bands) {
    if (!mildest) mildest = band;
    else if (
      'below' in band
        ? band.below > (mildest as FloorBand).below
        : band.above < (mildest as ThresholdBand).above
    )
      mildest = band;
  }
  return mildest;
}

/** The severity levels assign to a value, given the current severity (hysteresis). */
export function thresholdSeverity(
  levels: ThresholdLevels,
  value: number,
  current: Severity | null,
): Severity | null {
  let highest: Severity | null = null;
  for (const band of levels.bands) {
    if (inBand(band, value) && severityRank(band.severity) > severityRank(highest)) highest = band.severity;
  }
  if (highest !== null) return highest;
  // Outside every band but short of the clear level: a firing rule stays at its mildest band.
  if (current !== null && holds(levels, value)) return mildestBand(levels)?.severity ?? null;
  return null;
}

/** The levels for a device whose grid lineage is given (grid first): the nearest override wins. */
export function thresholdLevels(rule: ThresholdRule, lineage: readonly string[]): ThresholdLevels {
  const overrides: readonly (ThresholdOverride | FloorOverride)[] | undefined = rule.overrides;
  if (overrides) {
    for (const regionId of lineage) {
      const override = overrides.find((o) => o.regionId === regionId);
      if (override) return override;
    }
  }
  return rule;
}

/** Boolean metrics (elevator `trapped`, manhole `open`) compare as 1/0. */
export function numericValue(raw: number | boolean | undefined): number | undefined {
  return raw === undefined ? undefined : typeof raw === 'boolean' ? Number(raw) : raw;
}

/** What a threshold rule remembers per device between readings (JSON, persisted). */
export interface ThresholdMemory {
  value: number;
  /** Duration: since when the value has been in each band, without a break. */
  heldSince?: Partial<Record<Severity, number>>;
  /** Repeat: the band rank of each of the last `repeat.of` readings. */
  recent?: number[];
}

export function newThresholdMemory(): ThresholdMemory {
  return { value: 0 };
}

/**
 * One reading through a threshold rule: returns the rule's new verdict for the device. Without
 * duration or repeat that is the banded severity; with them a band counts only once it held.
 */
export function stepThreshold(
  rule: ThresholdRule,
  levels: ThresholdLevels,
  memory: ThresholdMemory,
  condition: Severity | null,
  value: number,
  ts: number,
): Severity | null {
  memory.value = value;
  const raw = thresholdSeverity(levels, value, condition);
  if (rule.forSeconds !== undefined) {
    const held = (memory.heldSince ??= {});
    for (const band of levels.bands) {
      if (severityRank(raw) >= severityRank(band.severity)) held[band.severity] ??= ts;
      else delete held[band.severity];
    }
    return maturedSeverity(rule, levels, memory, ts);
  }
  if (rule.repeat) {
    const recent = (memory.recent ??= []);
    recent.push(severityRank(raw));
    if (recent.length > rule.repeat.of) recent.splice(0, recent.length - rule.repeat.of);
    let best: Severity | null = null;
    for (const band of levels.bands) {
      const hits = recent.filter((rank) => rank >= severityRank(band.severity)).length;
      if (hits >= rule.repeat.count && severityRank(band.severity) > severityRank(best)) best = band.severity;
    }
    return best;
  }
  return raw;
}

/** Duration rules: the highest band held for `forSeconds` by `now` (a tick can promote it). */
export function maturedSeverity(
  rule: ThresholdRule,
  levels: ThresholdLevels,
  memory: ThresholdMemory,
  now: number,
): Severity | null {
  const forMs = (rule.forSeconds ?? 0) * 1000;
  let best: Severity | null = null;
  for (const band of levels.bands) {
    const since = memory.heldSince?.[band.severity];
    if (since !== undefined && now - since >= forMs && severityRank(band.severity) > severityRank(best))
      best = band.severity;
  }
  return best;
}

/** Whether a duration is still running, so the engine must look again later. */
export function isMaturing(memory: ThresholdMemory, condition: Severity | null): boolean {
  const held = memory.heldSince;
  if (!held) return false;
  return Object.keys(held).some((s) => severityRank(s as Severity) > severityRank(condition));
}

/**
 * Evaluates a plain threshold rule (no duration or repeat) against one reading, statelessly.
 * `current` is the rule's severity for this device; a signal comes out only when it changes.
 */
export function evaluateThreshold(
  rule: ThresholdRule,
  reading: Reading,
  current: Severity | null,
): RiskSignal | undefined {
  const value = numericValue(reading.metrics[rule.metric]);
  if (value === undefined) return undefined;
  const next = thresholdSeverity(rule, value, current);
  if (next === current) return undefined;
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    category: rule.category,
    deviceId: reading.deviceId,
    gridId: reading.gridId,
    deviceType: reading.deviceType,
    severity: next,
    previousSeverity: current,
    metric: rule.metric,
    value,
    at: reading.ts,
  };
}

/** A metric the standard device type does not report is a mistake worth naming. */
export function checkMetricOfType(
  problems: RuleProblems,
  deviceType: unknown,
  metric: unknown,
  path: string,
) {
  if (typeof deviceType !== 'string' || typeof metric !== 'string') return;
  const spec = deviceTypeSpec(deviceType);
  if (spec && !Object.hasOwn(spec.metrics, metric)) {
    const known = Object.keys(spec.metrics);
    problems.add(
      known.length > 0
        ? apiText('rule.metricNotReported', { field: path, metric, deviceType, known: known.join(', ') })
        : apiText('rule.metricNotReportedEventsOnly', { field: path, metric, deviceType }),
    );
  }
}

export function checkThreshold(problems: RuleProblems, rule: Fields): void {
  const direction = checkDirection(problems, rule);
  const clearKey = direction === 'below' ? 'clearAtOrAbove' : 'clearAtOrBelow';
  problems.onlyKnown(
    rule,
    baseFields('deviceType', 'metric', 'direction', 'bands', clearKey, 'forSeconds', 'repeat', 'overrides'),
  );
  checkBase(problems, rule);
  problems.string(rule, 'deviceType');
  problems.string(rule, 'metric');
  checkMetricOfType(problems, rule.deviceType, rule.metric, 'metric');
  problems.bands(rule, '', direction);
  if (rule.forSeconds !== undefined) problems.positive(rule, 'forSeconds', MAX_SECONDS);
  if (rule.repeat !== undefined) {
    const repeat = problems.object(rule.repeat, 'repeat');
    if (repeat) {
      problems.onlyKnown(repeat, ['count', 'of'], 'repeat.');
      const ofOk = problems.integer(repeat, 'of', 1, 100, 'repeat.of');
      const countOk = problems.integer(repeat, 'count', 1, 100, 'repeat.count');
      if (ofOk && countOk && (repeat.count as number) > (repeat.of as number))
        problems.add(apiText('rule.repeatCount'));
    }
    if (rule.forSeconds !== undefined) problems.add(apiText('rule.forSecondsOrRepeat'));
  }
  if (rule.overrides !== undefined) {
    const overrides: unknown = rule.overrides;
    if (!Array.isArray(overrides) || overrides.length === 0)
      problems.add(apiText('field.nonEmptyArray', { field: 'overrides' }));
    else
      overrides.forEach((item: unknown, i) => {
        const override = problems.object(item, `overrides[${i}]`);
        if (!override) return;
        problems.onlyKnown(override, ['regionId', 'bands', clearKey], `overrides[${i}].`);
        problems.id(override, 'regionId', `overrides[${i}].regionId`);
        problems.bands(override, `overrides[${i}].`, direction);
      });
  }
}

/** The rule's direction (`above` when absent, as every rule stored before it had). */
function checkDirection(problems: RuleProblems, rule: Fields): ThresholdDirection {
  if (rule.direction === undefined) return 'above';
  if (THRESHOLD_DIRECTIONS.includes(rule.direction as ThresholdDirection))
    return rule.direction as ThresholdDirection;
  problems.add(apiText('rule.thresholdDirection'));
  return 'above';
}
