import type { CaseDetailView, CaseView } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextCaseUpdate, startTestPlatform, type TestPlatform } from './harness/test-platform';

/**
 * The example scenario flows run in Node-RED (its own process) for real: a device publishes over MQTT,
 * GridSense's custom nodes carry the reading through the flow, and the "raise risk" node's signal
 * becomes a case routed like any rule's.
 */
describe('Node-RED scenario flows', () => {
  let env: TestPlatform;
  let editorToken: string;

  beforeAll(async () => {
    env = await startTestPlatform({ nodeRed: true });
    const granted = await fetch(`${env.baseUrl}/flows/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'node-red-editor',
        grant_type: 'password',
        scope: '*',
        username: 'eng1',
        password: await env.editorPassword('eng1'),
      }),
    });
    editorToken = ((await granted.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await env?.stop();
  });

  const editor = (path: string, init: RequestInit = {}) =>
    fetch(`${env.baseUrl}/flows${path}`, {
      ...init,
      headers: { authorization: `Bearer ${editorToken}`, ...(init.headers ?? {}) },
    });

  const connect = (deviceId: string): Promise<MqttClient> => {
    const device = env.devices.find((d) => d.id === deviceId)!;
    return mqtt.connectAsync(env.mqttUrl, {
      clientId: device.id,
      username: device.id,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
  };

  it('ships the GridSense palette and installs the example flows on first start', async () => {
    const nodes = (await (await editor('/nodes', { headers: { accept: 'application/json' } })).json()) as {
      types: string[];
    }[];
    expect(nodes.flatMap((set) => set.types)).toEqual(
      expect.arrayContaining([
        'gridsense-telemetry-in',
        'gridsense-event-in',
        'gridsense-raise-risk',
        'gridsense-case-in',
      ]),
    );
    const help = await (await editor('/nodes', { headers: { accept: 'text/html' } })).text();
    expect(help).toContain('data-help-name="gridsense-raise-risk"');
    const flows = (await (await editor('/flows')).json()) as { type: string; label?: string }[];
    expect(flows.filter((n) => n.type === 'tab').map((n) => n.label)).toEqual([
      '积水早期预警',
      '独居老人跌倒',
      '案件动态',
    ]);
  });

  it('raises and clears an early waterlogging risk from a water level reading', async () => {
    const gauge = env.devices.find((d) => d.type === 'water_level')!;
    const gridNumber = Number(gauge.gridId.slice(1));
    const operator = await env.login('op1');
    const socket = await operator.socket();
    const isFlowCase = (view: CaseView) =>
      view.ruleId === 'flow-waterlogging-early' && view.deviceId === gauge.id;
    const opened = nextCaseUpdate(socket, isFlowCase);

    const device = await connect(gauge.id);
    const topic = `gs/v1/${gauge.gridId}/${gauge.id}/telemetry`;
    // 0.62 m: under the built-in 1 m rule, over the flow's 0.5 m early line.
    await device.publishAsync(topic, JSON.stringify({ seq: 1, metrics: { level: 0.62 } }), { qos: 1 });
    const view = await opened;
    expect(view).toMatchObject({
      title: '积水早期预警',
      category: 'flood',
      severity: 'warning',
      source: 'auto',
      gridId: gauge.gridId,
      state: 'dispatched',
      assigneeId: `u-worker${String(gridNumber * 2 - 1).padStart(2, '0')}`,
      riskActive: true,
    });
    const detail = await operator.call<CaseDetailView>('GET', `/api/cases/${view.id}`);
    expect(detail.body.timeline[0]!.data).toMatchObject({ metric: 'level', value: 0.62 });

    // Between the lines nothing changes; at 0.3 m the flow resolves the risk.
    const cleared = nextCaseUpdate(socket, (v) => isFlowCase(v) && !v.riskActive);
    await device.publishAsync(topic, JSON.stringify({ seq: 2, metrics: { level: 0.45 } }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ seq: 3, metrics: { level: 0.3 } }), { qos: 1 });
    expect(await cleared).toMatchObject({ id: view.id, riskActive: false });
    await device.endAsync();
  });

  it('raises a critical case with the snapshot from a camera fall_detected event', async () => {
    const camera = env.devices.find((d) => d.type === 'camera' && d.gridId === 'G02')!;
    const operator = await env.login('op1');
    const socket = await operator.socket();
    const opened = nextCaseUpdate(
      socket,
      (v) => v.ruleId === 'flow-elderly-fall' && v.deviceId === camera.id,
    );
    const device = await connect(camera.id);
    const snapshot = 'https://cam.example/snap/fall-1.jpg';
    const event = (seq: number, confidence: number) =>
      JSON.stringify({ seq, type: 'fall_detected', confidence, snapshot });
    await device.publishAsync(`gs/v1/G02/${camera.id}/event`, event(1, 0.5), { qos: 1 }); // below 0.8: ignored
    await device.publishAsync(`gs/v1/G02/${camera.id}/event`, event(2, 0.93), { qos: 1 });
    const view = await opened;
    expect(view).toMatchObject({
      title: '独居老人疑似跌倒',
      severity: 'critical',
      gridId: 'G02',
      assigneeId: 'u-worker03',
    });
    const detail = await operator.call<CaseDetailView>('GET', `/api/cases/${view.id}`);
    expect(detail.body.timeline[0]!.data).toMatchObject({ eventType: 'fall_detected', snapshot });
    await device.endAsync();
  });

  it('runs a flow deployed through the editor API: case updates in → raise risk', async () => {
    // A chained scenario: every newly opened case in G03 also asks the property manager to patrol.
    // (Its category is outside the fire fusion group, so it stays a case of its own.)
    const flow = [
      { id: 'chain-tab', type: 'tab', label: '联动' },
      {
        id: 'chain-in',
        type: 'gridsense-case-in',
        z: 'chain-tab',
        regionId: 'G03',
        actions: 'opened',
        wires: [['chain-map']],
      },
      {
        id: 'chain-map',
        type: 'change',
        z: 'chain-tab',
        rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"deviceId": payload.deviceId}', tot: 'jsonata' }],
        wires: [['chain-risk']],
      },
      {
        id: 'chain-risk',
        type: 'gridsense-raise-risk',
        z: 'chain-tab',
        name: '联动物业巡查',
        scenarioId: 'property-patrol',
        category: 'property_management',
        severity: 'info',
        wires: [[]],
      },
    ];
    const deployed = await editor('/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flow),
    });
    expect(deployed.status).toBe(204);

    const smoke = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G03')!;
    const operator = await env.login('op1');
    const socket = await operator.socket();
    const chained = nextCaseUpdate(
      socket,
      (v) => v.ruleId === 'flow-property-patrol' && v.deviceId === smoke.id,
    );
    const device = await connect(smoke.id);
    await device.publishAsync(
      `gs/v1/G03/${smoke.id}/telemetry`,
      JSON.stringify({ seq: 1, metrics: { smoke: 12, temperature: 30, battery: 90 } }),
      { qos: 1 },
    );
    expect(await chained).toMatchObject({ title: '联动物业巡查', severity: 'info', gridId: 'G03' });
    await device.endAsync();
  });
});
