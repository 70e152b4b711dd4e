import type { DeviceIdentity } from '@gridsense/core';
import type { RaiseRiskRequest } from '@gridsense/flows';
import { describe, expect, it } from 'vitest';
import { riskFromFlow } from './node-red-risks';

const gauge: DeviceIdentity = { deviceId: 'wl-g01-01', gridId: 'G01', deviceType: 'water_level' };
const registry = (deviceId: string) => (deviceId === gauge.deviceId ? gauge : undefined);

const request = (overrides: Partial<RaiseRiskRequest> = {}): RaiseRiskRequest => ({
  config: { scenarioId: 'waterlogging-early', name: '积水早期预警', category: 'flood', severity: 'warning' },
  risk: { deviceId: gauge.deviceId, metric: 'level', value: 0.62 },
  previousSeverity: null,
  severity: 'warning',
  ...overrides,
});

describe('riskFromFlow (what a flow may publish)', () => {
  it('builds the signal from the registry and the platform clock', () => {
    expect(riskFromFlow(request(), registry, 5000)).toEqual({
      ok: true,
      signal: {
        ruleId: 'flow-waterlogging-early',
        ruleName: '积水早期预警',
        category: 'flood',
        ...gauge,
        severity: 'warning',
        previousSeverity: null,
        metric: 'level',
        value: 0.62,
        at: 5000,
      },
    });
  });

  it('ignores a grid, device type, rule or time the flow puts in its request', () => {
    const forged = request({
      config: { ...request().config, ruleId: 'smoke-high' } as RaiseRiskRequest['config'],
      risk: {
        deviceId: gauge.deviceId,
        gridId: 'G09',
        deviceType: 'smoke_detector',
        ruleId: 'smoke-high',
        at: 1,
      },
    });
    const result = riskFromFlow(forged, registry, 7000);
    expect(result).toMatchObject({
      ok: true,
      signal: { ruleId: 'flow-waterlogging-early', gridId: 'G01', deviceType: 'water_level', at: 7000 },
    });
  });

  it.each<[string, Partial<RaiseRiskRequest>, string]>([
    ['an unknown device', { risk: { deviceId: 'sd-nowhere' } }, 'unknown device sd-nowhere'],
    [
      'a scenario id that is not an id',
      { config: { ...request().config, scenarioId: '../x' } },
      'scenarioId',
    ],
    ['no config', { config: undefined as unknown as RaiseRiskRequest['config'] }, 'scenarioId'],
    ['a risk without a device', { risk: { value: 1 } }, 'payload.deviceId'],
    ['a severity that does not exist', { severity: 'fatal' as never }, 'severity'],
    ['a previous severity that does not exist', { previousSeverity: 'x' as never }, 'severity'],
  ])('refuses %s', (_name, overrides, reason) => {
    const result = riskFromFlow(request(overrides), registry, 5000);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
