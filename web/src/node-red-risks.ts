import {
  checkRaiseRiskConfig,
  inEnglish,
  parseRaisedRisk,
  scenarioSignal,
  SEVERITIES,
  type DeviceIdentity,
  type RiskSignal,
  type Severity,
} from '@gridsense/core';
import type { RaiseRiskRequest } from '@gridsense/flows';

const isSeverityOrNull = (value: unknown): value is Severity | null =>
  value === null || SEVERITIES.includes(value as Severity);

/**
 * The one thing Node-RED may publish: a flow's risk on a registered device. The request is read
 * again with core's own parsers and the signal is built here, from the registry's device and the
 * platform's clock, so a flow can neither name a built-in rule (its ruleId is always
 * `flow-{scenarioId}`) nor invent a device, grid or device type.
 */
export function riskFromFlow(
  request: RaiseRiskRequest,
  device: (deviceId: string) => DeviceIdentity | undefined,
  now: number,
): { ok: true; signal: RiskSignal } | { ok: false; reason: string } {
  const raw = (request.config ?? {}) as Partial<RaiseRiskRequest['config']>;
  const config = {
    scenarioId: raw.scenarioId,
    name: raw.name,
    category: raw.category,
    severity: raw.severity,
  };
  const problems = checkRaiseRiskConfig(config);
  if (problems.length > 0) return { ok: false, reason: inEnglish(problems).join('; ') };
  const checked = config as RaiseRiskRequest['config'];
  const parsed = parseRaisedRisk(request.risk, checked);
  if (!parsed.ok) return { ok: false, reason: inEnglish(parsed.errors).join('; ') };
  if (!isSeverityOrNull(request.severity) || !isSeverityOrNull(request.previousSeverity))
    return { ok: false, reason: 'severity must be info, warning, critical or null' };
  const identity = device(parsed.risk.deviceId);
  if (!identity) return { ok: false, reason: `unknown device ${parsed.risk.deviceId}` };
  const risk = { ...parsed.risk, severity: request.severity };
  return { ok: true, signal: scenarioSignal(checked, identity, risk, request.previousSeverity, now) };
}
