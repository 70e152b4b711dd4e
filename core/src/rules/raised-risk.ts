import { isValidId } from '../ids';
import { SEVERITIES, type Severity } from '../model';
import type { DeviceIdentity } from '../reading';
import type { RiskSignal } from './rule-types';

/**
 * Risks raised by hand-wired scenarios (Node-RED's "raise risk" node) enter the same path as
 * built-in rules: a RiskSignal on the bus, so they become cases with routing and deadlines.
 */
export interface RaiseRiskConfig {
  /** Becomes the signal's ruleId as `flow-{scenarioId}`, so cases tell flows and rules apart. */
  scenarioId: string;
  name: string;
  category: string;
  severity: Severity;
}

export interface RaisedRisk {
  deviceId: string;
  /** The config's severity when absent; `null` resolves the risk. */
  severity: Severity | null;
  metric?: string;
  value?: number;
  eventType?: string;
  snapshot?: string;
}

export function checkRaiseRiskConfig(config: Partial<RaiseRiskConfig>): string[] {
  const errors: string[] = [];
  if (typeof config.scenarioId !== 'string' || !isValidId(config.scenarioId))
    errors.push('scenarioId must be an id (letters, digits, _ and -)');
  if (typeof config.name !== 'string' || config.name.trim() === '') errors.push('name is required');
  if (typeof config.category !== 'string' || config.category.trim() === '')
    errors.push('category is required');
  if (!SEVERITIES.includes(config.severity as Severity))
    errors.push('severity must be info, warning or critical');
  return errors;
}

/** Reads a flow message's payload: `{ deviceId, severity?, metric?, value?, eventType?, snapshot? }`. */
export function parseRaisedRisk(
  payload: unknown,
  config: RaiseRiskConfig,
): { ok: true; risk: RaisedRisk } | { ok: false; errors: string[] } {
  if (typeof payload !== 'object' || payload === null)
    return { ok: false, errors: ['payload must be an object'] };
  const p = payload as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof p.deviceId !== 'string' || !isValidId(p.deviceId))
    errors.push('payload.deviceId must be a device id');
  const severity = p.severity === undefined ? config.severity : p.severity;
  if (severity !== null && !SEVERITIES.includes(severity as Severity))
    errors.push('payload.severity must be info, warning, critical or null (resolved)');
  if (p.value !== undefined && (typeof p.value !== 'number' || !Number.isFinite(p.value)))
    errors.push('payload.value must be a number');
  for (const key of ['metric', 'eventType', 'snapshot']) {
    if (p[key] !== undefined && typeof p[key] !== 'string') errors.push(`payload.${key} must be a string`);
  }
  if (errors.length > 0) return { ok: false, errors };
  const risk: RaisedRisk = { deviceId: p.deviceId as string, severity: severity as Severity | null };
  if (typeof p.value === 'number') risk.value = p.value;
  if (typeof p.metric === 'string') risk.metric = p.metric;
  if (typeof p.eventType === 'string') risk.eventType = p.eventType;
  if (typeof p.snapshot === 'string') risk.snapshot = p.snapshot;
  return { ok: true, risk };
}

export function scenarioSignal(
  config: RaiseRiskConfig,
  device: DeviceIdentity,
  risk: RaisedRisk,
  previousSeverity: Severity | null,
  at: number,
): RiskSignal {
  const { deviceId: _deviceId, severity, ...details } = risk;
  return {
    ruleId: `flow-${config.scenarioId}`,
    ruleName: config.name,
    category: config.category,
    ...device,
    severity,
    previousSeverity,
    ...details,
    at,
  };
}
