import type { DeviceEvent, Reading } from './reading';
import { severityRank, type Severity } from './model';

/** A band fires when the value is strictly above `above`. */
export interface ThresholdBand {
  severity: Severity;
  above: number;
}

export interface ThresholdRule {
  kind: 'threshold';
  id: string;
  name: string;
  category: string;
  deviceType: string;
  metric: string;
  bands: ThresholdBand[];
  /** Hysteresis: once firing, the rule clears only at or below this value. */
  clearAtOrBelow: number;
}

export interface EventRule {
  kind: 'event';
  id: string;
  name: string;
  category: string;
  eventType: string;
  minConfidence: number;
  severity: Severity;
}

export type Rule = ThresholdRule | EventRule;

/** What the rule engine emits: state changes only, never a repeat of the same state. */
export interface RiskSignal {
  ruleId: string;
  ruleName: string;
  category: string;
  deviceId: string;
  gridId: string;
  deviceType: string;
  /** `null` when the risk resolved. */
  severity: Severity | null;
  previousSeverity: Severity | null;
  metric?: string;
  value?: number;
  eventType?: string;
  snapshot?: string;
  at: number;
}

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; errors: string[] };

/** Validates a rule definition from JSON, listing every problem at once. */
export function validateRule(input: unknown): RuleValidation {
  const errors: string[] = [];
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['rule must be an object'] };
  const rule = input as Record<string, unknown>;
  const needString = (key: string): void => {
    if (typeof rule[key] !== 'string' || rule[key] === '') errors.push(`${key} must be a non-empty string`);
  };
  needString('id');
  needString('name');
  needString('category');
  if (rule.kind === 'threshold') {
    needString('deviceType');
    needString('metric');
    const bands: unknown = rule.bands;
    const validBands: ThresholdBand[] = [];
    if (!Array.isArray(bands) || bands.length === 0) errors.push('bands must be a non-empty array');
    else {
      bands.forEach((band: unknown, index) => {
        const b = (typeof band === 'object' && band !== null ? band : {}) as Partial<ThresholdBand>;
        const severityOk = ['info', 'warning', 'critical'].includes(b.severity as string);
        const aboveOk = typeof b.above === 'number' && Number.isFinite(b.above);
        if (!severityOk) errors.push(`bands[${index}].severity must be info, warning or critical`);
        if (!aboveOk) errors.push(`bands[${index}].above must be a number`);
        if (severityOk && aboveOk) validBands.push(b as ThresholdBand);
      });
    }
    if (typeof rule.clearAtOrBelow !== 'number' || !Number.isFinite(rule.clearAtOrBelow)) {
      errors.push('clearAtOrBelow must be a number');
    } else if (validBands.length > 0 && rule.clearAtOrBelow > Math.min(...validBands.map((b) => b.above))) {
      errors.push('clearAtOrBelow must not be above the lowest band');
    }
  } else if (rule.kind === 'event') {
    needString('eventType');
    if (typeof rule.minConfidence !== 'number' || rule.minConfidence < 0 || rule.minConfidence > 1) {
      errors.push('minConfidence must be 0–1');
    }
    if (!['info', 'warning', 'critical'].includes(rule.severity as string)) {
      errors.push('severity must be info, warning or critical');
    }
  } else errors.push('kind must be threshold or event');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rule: input as Rule };
}

/** The severity a threshold rule assigns to a value, given the current severity (hysteresis). */
export function thresholdSeverity(
  rule: ThresholdRule,
  value: number,
  current: Severity | null,
): Severity | null {
  let highest: Severity | null = null;
  for (const band of rule.bands) {
    if (value > band.above && severityRank(band.severity) > severityRank(highest)) highest = band.severity;
  }
  if (highest !== null) return highest;
  // Below every band but above the clear level: a firing rule stays at its lowest band.
  if (current !== null && value > rule.clearAtOrBelow) {
    const lowest = [...rule.bands].sort((a, b) => a.above - b.above)[0];
    return lowest ? lowest.severity : null;
  }
  return null;
}

/**
 * Evaluates one threshold rule against one reading. `current` is the rule's severity for
 * this device; a signal comes out only when it changes.
 */
export function evaluateThreshold(
  rule: ThresholdRule,
  reading: Reading,
  current: Severity | null,
): RiskSignal | undefined {
  const raw = reading.metrics[rule.metric];
  if (raw === undefined) return undefined;
  // Boolean metrics (elevator `trapped`, manhole `open`) compare as 1/0.
  const value = typeof raw === 'boolean' ? Number(raw) : raw;
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

/** Event rules fire once per matching event; cases fold repeats together. */
export function evaluateEventRule(rule: EventRule, event: DeviceEvent): RiskSignal | undefined {
  if (event.type !== rule.eventType) return undefined;
  if ((event.confidence ?? 1) < rule.minConfidence) return undefined;
  const signal: RiskSignal = {
    ruleId: rule.id,
    ruleName: rule.name,
    category: rule.category,
    deviceId: event.deviceId,
    gridId: event.gridId,
    deviceType: event.deviceType,
    severity: rule.severity,
    previousSeverity: null,
    eventType: event.type,
    at: event.ts,
  };
  if (event.snapshot !== undefined) signal.snapshot = event.snapshot;
  return signal;
}
