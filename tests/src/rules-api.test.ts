import {
  parseConfig,
  type BacktestResult,
  type CaseView,
  type ErrorBody,
  type Rule,
  type RuleBacktestView,
  type RuleVersionView,
  type RuleView,
} from '@gridsense/core';
import { createLogger, type DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { TestAuthenticator } from './harness/authenticator';
import { startPlatform } from '../../platform';
import {
  nextCaseUpdate,
  startTestPlatform,
  TEST_PASSWORD,
  type ApiClient,
  type TestPlatform,
} from './harness/test-platform';

const noisy: Rule = {
  kind: 'threshold',
  id: 'api-noise',
  name: '噪声超标',
  category: 'public_order',
  deviceType: 'noise',
  metric: 'noise_db',
  bands: [{ severity: 'warning', above: 85 }],
  clearAtOrBelow: 70,
};

const publishReadings = async (
  url: string,
  device: DeviceCredential,
  readings: Record<string, number>[],
  ts?: number[],
) => {
  const client = await mqtt.connectAsync(url, {
    clientId: device.id,
    username: device.id,
    password: device.secret,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  for (const [i, metrics] of readings.entries()) {
    const body = { metrics, ...(ts ? { ts: ts[i] } : {}) };
    await client.publishAsync(`gs/v1/${device.gridId}/${device.id}/telemetry`, JSON.stringify(body), {
      qos: 1,
    });
  }
  await client.endAsync();
};

describe.each(stateDialects())('rule API (%s)', (dialect) => {
  let env: TestPlatform;
  let engineer: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    engineer = await env.login('eng1');
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('lists every problem of a bad rule and refuses a duplicate id', async () => {
    const bad = await engineer.call<ErrorBody>('POST', '/api/rules', {
      ...noisy,
      bands: [{ severity: 'loud', above: 85 }],
      metric: 'volume',
      scope: { regionIds: ['G99'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'validation_failed',
      details: [
        'metric volume is not reported by noise (it reports noise_db)',
        'bands[0].severity must be info, warning or critical',
      ],
    });
    const unknownRegion = await engineer.call<ErrorBody>('POST', '/api/rules', {
      ...noisy,
      scope: { regionIds: ['G99'] },
    });
    expect(unknownRegion.body.error.details).toEqual(['scope.regionIds: no region G99']);

    expect((await engineer.call('POST', '/api/rules', noisy)).status).toBe(201);
    const again = await engineer.call<ErrorBody>('POST', '/api/rules', noisy);
    expect(again.status).toBe(409);
  });

  it('keeps versions: update, stale update, disable, rollback', async () => {
    const v2 = await engineer.call<RuleView>('PUT', '/api/rules/api-noise', {
      version: 1,
      rule: { ...noisy, bands: [{ severity: 'warning', above: 80 }] },
    });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, enabled: true });

    const stale = await engineer.call<ErrorBody>('PUT', '/api/rules/api-noise', { version: 1, rule: noisy });
    expect(stale.status).toBe(409);
    const renamed = await engineer.call<ErrorBody>('PUT', '/api/rules/api-noise', {
      version: 2,
      rule: { ...noisy, id: 'other' },
    });
    expect(renamed.body.error.details).toEqual(['id must be api-noise']);

    const disabled = await engineer.call<RuleView>('POST', '/api/rules/api-noise/disable', { version: 2 });
    expect(disabled.body).toMatchObject({ version: 3, enabled: false });
    const rolledBack = await engineer.call<RuleView>('POST', '/api/rules/api-noise/rollback', {
      version: 3,
      toVersion: 1,
    });
    expect(rolledBack.body).toMatchObject({ version: 4, enabled: false, rule: noisy });

    const detail = await engineer.call<RuleView & { versions: RuleVersionView[] }>(
      'GET',
      '/api/rules/api-noise',
    );
    expect(detail.body.versions.map((v) => [v.version, v.enabled, v.changedBy])).toEqual([
      [4, false, 'u-eng1'],
      [3, false, 'u-eng1'],
      [2, true, 'u-eng1'],
      [1, true, 'u-eng1'],
    ]);
  });

  it('lets the command centre read rules and only engineers and admins change them', async () => {
    const operator = await env.login('op1');
    const rules = await operator.call<RuleView[]>('GET', '/api/rules');
    expect(rules.body.map((r) => r.rule.id)).toEqual(expect.arrayContaining(['smoke-high', 'api-noise']));
    expect((await operator.call('POST', '/api/rules/api-noise/enable', { version: 4 })).status).toBe(403);
    const worker = await env.login('worker01');
    expect((await worker.call('GET', '/api/rules')).status).toBe(403);
  });

  it('resolves a firing risk when its rule is disabled', async () => {
    const noise = env.devices.find((d) => d.type === 'noise')!;
    const enabled = await engineer.call<RuleView>('POST', '/api/rules/api-noise/enable', { version: 4 });
    expect(enabled.body.enabled).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const socket = await (await env.login('op1')).socket();
    const opened = nextCaseUpdate(socket, (v) => v.ruleId === 'api-noise' && v.riskActive);
    await publishReadings(env.mqttUrl, noise, [{ noise_db: 99 }]);
    const view = await opened;
    const cleared = nextCaseUpdate(socket, (v: CaseView) => v.id === view.id && !v.riskActive);
    await engineer.call('POST', '/api/rules/api-noise/disable', { version: 5 });
    expect((await cleared).riskActive).toBe(false);
  });

  it('backtests a draft over stored history', async () => {
    const gauge = env.devices.find((d) => d.type === 'water_level')!;
    const t0 = Date.now() - 60 * 60_000;
    const levels = [0.4, 0.9, 1.3, 1.1, 0.6, 0.5];
    await publishReadings(
      env.mqttUrl,
      gauge,
      levels.map((level) => ({ level })),
      levels.map((_, i) => t0 + i * 5 * 60_000),
    );
    const draft = {
      kind: 'threshold',
      id: 'draft-flood',
      name: '积水草稿',
      category: 'flood',
      deviceType: 'water_level',
      metric: 'level',
      bands: [
        { severity: 'warning', above: 0.8 },
        { severity: 'critical', above: 1.2 },
      ],
      clearAtOrBelow: 0.7,
      scope: { deviceIds: [gauge.id] },
    };
    const result = await engineer.call<BacktestResult>('POST', '/api/rules/backtest', {
      rule: draft,
      from: t0 - 1000,
      to: t0 + 40 * 60_000,
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ devices: 1, readings: 6, events: 0, firingAtEnd: [] });
    expect(result.body.transitions.map((t) => [(t.at - t0) / 60_000, t.severity])).toEqual([
      [5, 'warning'],
      [10, 'critical'],
      [15, 'warning'],
      [20, null],
    ]);
    const bad = await engineer.call<ErrorBody>('POST', '/api/rules/backtest', {
      rule: draft,
      from: t0,
      to: t0 - 1,
    });
    expect(bad.body.error.details).toEqual(['from must be before to (epoch ms)']);
  });

  it('refuses bands whose graver severity starts lower, on create and on update', async () => {
    const inverted = {
      ...noisy,
      id: 'api-inverted',
      bands: [
        { severity: 'warning', above: 15 },
        { severity: 'critical', above: 10 },
      ],
      clearAtOrBelow: 5,
    };
    const created = await engineer.call<ErrorBody>('POST', '/api/rules', inverted);
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([
      'bands[1].above must be above 15, where the milder warning band starts (critical is graver)',
    ]);
    const fine = { ...inverted, bands: [...inverted.bands].reverse().map((b) => ({ ...b })) };
    fine.bands[0]!.above = 20;
    expect((await engineer.call('POST', '/api/rules', fine)).status).toBe(201);
    const updated = await engineer.call<ErrorBody>('PUT', '/api/rules/api-inverted', {
      version: 1,
      rule: inverted,
    });
    expect(updated.status).toBe(400);
    expect(updated.body.error.details).toHaveLength(1);
  });

  it('saves a rule that fires below a value and refuses one whose bands are inverted', async () => {
    const lowPressure = {
      kind: 'threshold',
      id: 'api-low-pressure',
      name: '消火栓水压不足',
      category: 'fire_safety',
      deviceType: 'fire_hydrant',
      metric: 'pressure',
      direction: 'below',
      bands: [
        { severity: 'warning', below: 0.1 },
        { severity: 'critical', below: 0.05 },
      ],
      clearAtOrAbove: 0.15,
    };
    const inverted = {
      ...lowPressure,
      id: 'api-low-inverted',
      bands: [
        { severity: 'warning', below: 0.05 },
        { severity: 'critical', below: 0.1 },
      ],
    };
    const refused = await engineer.call<ErrorBody>('POST', '/api/rules', inverted);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      'bands[1].below must be below 0.05, where the milder warning band starts (critical is graver)',
    ]);
    const clearInside = await engineer.call<ErrorBody>('POST', '/api/rules', {
      ...lowPressure,
      clearAtOrAbove: 0.08,
    });
    expect(clearInside.body.error.details).toEqual(['clearAtOrAbove must not be below the highest band']);
    const saved = await engineer.call<RuleView>('POST', '/api/rules', lowPressure);
    expect(saved.status).toBe(201);
    const read = await engineer.call<RuleView>('GET', '/api/rules/api-low-pressure');
    expect(read.body.rule).toEqual(lowPressure);
  });

  it('backtests a rule that fires below: at the band, held short of the clear level, cleared at it', async () => {
    const hydrant = env.devices.find((d) => d.type === 'fire_hydrant')!;
    const t0 = Date.now() - 2 * 60 * 60_000;
    const pressures = [0.3, 0.2, 0.1, 0.05, 0.08, 0.14, 0.15];
    await publishReadings(
      env.mqttUrl,
      hydrant,
      pressures.map((pressure) => ({ pressure })),
      pressures.map((_, i) => t0 + i * 5 * 60_000),
    );
    const result = await engineer.call<BacktestResult>('POST', '/api/rules/backtest', {
      rule: {
        kind: 'threshold',
        id: 'draft-low-pressure',
        name: '水压草稿',
        category: 'fire_safety',
        deviceType: 'fire_hydrant',
        metric: 'pressure',
        direction: 'below',
        bands: [
          { severity: 'warning', below: 0.1 },
          { severity: 'critical', below: 0.05 },
        ],
        clearAtOrAbove: 0.15,
        scope: { deviceIds: [hydrant.id] },
      },
      from: t0 - 1000,
      to: t0 + 40 * 60_000,
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ devices: 1, readings: 7, firingAtEnd: [] });
    expect(result.body.transitions.map((t) => [(t.at - t0) / 60_000, t.severity, t.value])).toEqual([
      [10, 'warning', 0.1],
      [15, 'critical', 0.05],
      [20, 'warning', 0.08],
      [30, null, 0.15],
    ]);
  });

  it('backtests a draft beside the live version of the same rule, over the same window', async () => {
    const gauge = env.devices.find((d) => d.type === 'water_level')!;
    const t0 = Date.now() - 3 * 60 * 60_000;
    const levels = [0.4, 0.9, 1.3, 0.5];
    await publishReadings(
      env.mqttUrl,
      gauge,
      levels.map((level) => ({ level })),
      levels.map((_, i) => t0 + i * 5 * 60_000),
    );
    const live = {
      kind: 'threshold',
      id: 'live-flood',
      name: '积水',
      category: 'flood',
      deviceType: 'water_level',
      metric: 'level',
      bands: [{ severity: 'warning', above: 1.0 }],
      clearAtOrBelow: 0.7,
      scope: { deviceIds: [gauge.id] },
    };
    expect((await engineer.call('POST', '/api/rules', live)).status).toBe(201);
    const draft = { ...live, bands: [{ severity: 'warning', above: 0.8 }] };
    const window = { from: t0 - 1000, to: t0 + 20 * 60_000 };
    const result = await engineer.call<RuleBacktestView>('POST', '/api/rules/backtest', {
      rule: draft,
      ...window,
    });
    expect(result.status).toBe(200);
    const minutes = (view: BacktestResult) => view.transitions.map((t) => [(t.at - t0) / 60_000, t.severity]);
    expect(minutes(result.body)).toEqual([
      [5, 'warning'],
      [15, null],
    ]);
    expect(result.body.live).toMatchObject({ version: 1, enabled: true, from: window.from, to: window.to });
    expect(minutes(result.body.live!)).toEqual([
      [10, 'warning'],
      [15, null],
    ]);
    // A new rule has no live version to compare with.
    const fresh = await engineer.call<RuleBacktestView>('POST', '/api/rules/backtest', {
      rule: { ...draft, id: 'not-yet-saved' },
      ...window,
    });
    expect(fresh.body.live).toBeNull();
  });
});

describe('rule state across a restart', () => {
  const start = async (dataDir: string) => {
    const parsed = parseConfig({
      GRIDSENSE_DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      GRIDSENSE_SIMULATOR: 'off',
      GRIDSENSE_NODE_RED: 'off',
      GRIDSENSE_DEMO_PASSWORD: TEST_PASSWORD,
      // An empty district: what these tests count is their own, not the demo's generated history.
      GRIDSENSE_DEMO_HISTORY_DAYS: '0',
      LOG_LEVEL: 'warn',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    return startPlatform(parsed.config, { logger: createLogger({ level: 'warn' }) });
  };

  it('a firing risk stays firing (no repeat) and resolves after the restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gridsense-restart-'));
    try {
      let platform = await start(dataDir);
      const devices = JSON.parse(
        await readFile(join(dataDir, 'demo-devices.json'), 'utf8'),
      ) as DeviceCredential[];
      const smoke = devices.find((d) => d.type === 'smoke_detector')!;
      const url = () => `mqtt://127.0.0.1:${platform.mqttPort}`;
      // The operator enrols in two-factor sign-in at the first sign-in; the secret outlives the restart.
      const authenticator = new TestAuthenticator();
      const cases = async () => {
        const baseUrl = `http://127.0.0.1:${platform.httpPort}`;
        const cookie = await authenticator.signIn(baseUrl, 'op1', TEST_PASSWORD);
        const response = await fetch(`${baseUrl}/api/cases?scope=all`, { headers: { cookie } });
        return ((await response.json()) as CaseView[]).filter(
          (c) => c.deviceId === smoke.id && c.ruleId === 'smoke-high',
        );
      };
      const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

      await publishReadings(url(), smoke, [{ smoke: 12 }]);
      await settle();
      expect((await cases()).map((c) => [c.severity, c.occurrences, c.riskActive])).toEqual([
        ['critical', 1, true],
      ]);
      await platform.close();

      platform = await start(dataDir);
      await publishReadings(url(), smoke, [{ smoke: 11 }]); // still critical: not a change
      await settle();
      expect((await cases()).map((c) => [c.occurrences, c.riskActive])).toEqual([[1, true]]);
      await publishReadings(url(), smoke, [{ smoke: 1 }]);
      await settle();
      expect((await cases()).map((c) => [c.occurrences, c.riskActive])).toEqual([[1, false]]);
      await platform.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
