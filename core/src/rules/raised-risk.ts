import { apiText } from '../api-texts';
import type { Problem } from '../errors';
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

export function checkRaiseRiskConfig(config: Partial<RaiseRiskConfig>): Problem[] {
  const errors: Problem[] = [];
  if (typeof config.scenarioId !== 'string' || !isValidId(config.scenarioId))
    errors.push(apiText('risk.scenarioId'));
  if (typeof config.name !== 'string' || config.name.trim() === '')
    errors.push(apiText('field.required', { field: 'name' }));
  if (typeof config.category !== 'string' || config.category.trim() === '')
    errors.push(apiText('field.required', { field: 'category' }));
  if (!SEVERITIES.includes(config.severity as Severity))
    errors.push(apiText('field.severity', { field: 'severity' }));
  return errors;
}

/** Reads a flow message's payload: `{ deviceId, severity?, metric?, value?, eventType?, snapshot? }`. */
export function parseRaisedRisk(
  payload: unknown,
  config: RaiseRiskConfig,
): { ok: true; risk: RaisedRisk } | { ok: false; errors: Problem[] } {
  if (typeof payload !== 'object' || payload === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'payload' })] };
  const p = payload as Record<string, unknown>;
  const errors: Problem[] = [];
  if (typeof p.deviceId !== 'string' || !isValidId(p.deviceId))
    errors.push(apiText('field.deviceId', { field: 'payload.deviceId' }));
  const severity = p.severity === undefined ? config.severity : p.severity;
  if (severity !== null && !SEVERITIES.includes(severity as Severity))
    errors.push(apiText('risk.payloadSeverity'));
  if (p.value !== undefined && (typeof p.value !== 'number' || !Number.isFinite(p.value)))
    errors.push(apiText('field.mustBeNumber', { field: 'payload.value' }));
  for (const key of ['metric', 'eventType', 'snapshot']) {
    if (p[key] !== undefined && typeof p[key] !== 'string')
      errors.push(apiText('field.mustBeString', { field: `payload.${key}` }));
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
