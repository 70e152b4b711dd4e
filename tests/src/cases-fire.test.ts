import type {
  AuditVerification,
  CaseDetailView,
  CaseStatsView,
  CaseView,
  NotificationView,
} from '@gridsense/core';
import mqtt from 'mqtt';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import {
  nextCaseUpdate,
  startTestPlatform,
  type ApiClient,
  type TestPlatform,
} from './harness/test-platform';

// The evidence photo the fire department attaches when resolving.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A DingTalk robot stand-in on loopback: checks the signature like the real one and says errcode 0. */
async function startDingTalk(secret: string) {
  const received: { url: URL; body: { msgtype: string; markdown: { title: string; text: string } } }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://robot');
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
      const ok = url.searchParams.get('sign') === expected;
      if (ok)
        received.push({
          url,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof received)[number]['body'],
        });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=fire-group`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(stateDialects())('a fire, from MQTT to the requester’s feedback (%s)', (dialect) => {
  let env: TestPlatform;
  let robot: Awaited<ReturnType<typeof startDingTalk>>;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    robot = await startDingTalk('SEC-fire');
  });

  afterAll(async () => {
    await env?.stop();
    await robot?.close();
  });

  async function act(client: ApiClient, id: string, body: Record<string, unknown>): Promise<CaseView> {
    const response = await client.call<CaseView>('POST', `/api/cases/${id}/actions`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  it('fuses two sensors (the hotline call stays its own case), bounces once, is re-dispatched, resolved with a photo, verified and rated', async () => {
    const [admin, op, worker, fire] = await Promise.all([
      env.login('admin'),
      env.login('op1'),
      env.login('worker01'),
      env.login('fire1'),
    ]);
    const channel = await admin.call('PUT', '/api/admin/channels/fire-group', {
      kind: 'dingtalk',
      name: '望江街道消防群',
      url: robot.url,
      secret: 'SEC-fire',
      regionId: 'S1',
      minSeverity: 'warning',
      kinds: ['opened', 'returned'],
      enabled: true,
    });
    expect(channel.status).toBe(200);

    const workerSocket = await worker.socket();
    const notices: NotificationView[] = [];
    workerSocket.on('notification:new', (n) => notices.push(n));
    // Two devices of the same fire: the smoke detector 254 m from the camera (fusion's radius is 300 m).
    const smoke = env.devices.find((d) => d.id === 'smoke-G01-2')!;
    const camera = env.devices.find((d) => d.type === 'camera' && d.gridId === 'G01')!;
    const pushed = nextCaseUpdate(workerSocket, (v) => v.deviceId === smoke.id);

    // 1. The smoke sensor and the camera report over MQTT (PUBACK once stored).
    for (const device of [smoke, camera]) {
      const client = await mqtt.connectAsync(env.mqttUrl, {
        clientId: device.id,
        username: device.id,
        password: device.secret,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      const [topic, payload] =
        device === smoke
          ? [
              `gs/v1/G01/${device.id}/telemetry`,
              { ts: Date.now(), seq: 1, metrics: { smoke: 14.5, temperature: 45, battery: 90 } },
            ]
          : [
              `gs/v1/G01/${device.id}/event`,
              {
                ts: Date.now(),
                seq: 1,
                type: 'fire_smoke',
                confidence: 0.93,
                snapshot: 'https://cam.example/snap/7.jpg',
              },
            ];
      await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
      await client.endAsync();
      if (device === smoke) await pushed;
    }
    const opened = await pushed;
    expect(opened).toMatchObject({
      gridId: 'G01',
      state: 'dispatched',
      assigneeId: 'u-worker01',
      category: 'fire_safety',
    });
    const id = opened.id;
    await expect
      .poll(async () => (await op.call<CaseDetailView>('GET', `/api/cases/${id}`)).body.case.sourceCount, {
        timeout: 10_000,
      })
      .toBe(2);

    // 2. A resident calls the hotline about the same fire. A person's report never fuses by itself:
    //    it opens its own case (the caller masked), and each case names the other as possibly related.
    const call = await op.call<{ outcome: string; case: CaseView }>('POST', '/api/cases/hotline', {
      title: '居民来电：楼下冒黑烟',
      description: '江城社区 3 号楼楼下冒黑烟，有焦糊味',
      category: 'fire_safety',
      subcategory: 'fire_safety.alarm',
      caseType: 'fire_safety.alarm.citizen_report',
      severity: 'critical',
      gridId: 'G01',
      callerName: '刘洋',
      callerPhone: '13912345678',
    });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({
      outcome: 'opened',
      case: { sourceCount: 1, requester: { name: '刘*', phone: '139****5678' } },
    });
    expect(call.body.case.id).not.toBe(id);
    const callDetail = (await op.call<CaseDetailView>('GET', `/api/cases/${call.body.case.id}`)).body;
    expect(callDetail.timeline.find((e) => e.action === 'possibly_related')?.data?.cases).toEqual([
      expect.objectContaining({ id }),
    ]);

    // 3. The grid worker is told (in-app), goes, and returns it: it needs the fire brigade.
    await expect.poll(() => notices.map((n) => n.kind), { timeout: 10_000 }).toContain('assigned');
    await act(worker, id, { action: 'accept' });
    const returned = await act(worker, id, {
      action: 'return',
      reason: 'needs_department',
      note: '明火，需消防处置',
    });
    expect(returned).toMatchObject({ state: 'returned', returnCount: 1, assigneeId: null });

    // 4. The command centre dispatches it again, to the fire brigade (an override of the rule list).
    const redispatched = await act(op, id, {
      action: 'dispatch',
      assigneeId: 'u-fire1',
      coHandlerIds: ['u-worker01'],
      note: '改派消防救援大队',
    });
    expect(redispatched).toMatchObject({
      state: 'dispatched',
      assigneeId: 'u-fire1',
      departmentId: 'dept-fire',
      coHandlerIds: ['u-worker01'],
    });

    // 5. The brigade accepts, arrives, and resolves with a photo; someone else verifies.
    await act(fire, id, { action: 'accept' });
    await act(fire, id, { action: 'arrive' });
    const photo = await fire.call<{ url: string }>('POST', '/api/photos', PNG);
    expect(photo.status).toBe(201);
    const noPhoto = await fire.call<{ error: { code: string } }>('POST', `/api/cases/${id}/actions`, {
      action: 'resolve',
      note: '已扑灭',
    });
    expect(noPhoto.body.error.code).toBe('validation_failed');
    await act(fire, id, {
      action: 'resolve',
      note: '电动车充电起火，已扑灭，无人员伤亡',
      photos: [photo.body.url],
    });
    expect((await fire.call('POST', `/api/cases/${id}/actions`, { action: 'verify' })).status).toBe(403);
    await act(op, id, { action: 'verify', note: '现场复核：明火已灭' });

    // 6. The callback: the resident is satisfied; the case closes.
    const closed = await act(op, id, {
      action: 'feedback',
      satisfaction: 5,
      solved: true,
      comment: '回访：居民满意',
    });
    expect(closed).toMatchObject({ state: 'closed', satisfaction: 5 });

    const detail = (await op.call<CaseDetailView>('GET', `/api/cases/${id}`)).body;
    const actions = detail.timeline.map((e) => e.action);
    expect(actions).toEqual([
      'report',
      'register',
      'dispatch',
      'linked',
      'possibly_related',
      'accept',
      'return',
      'dispatch',
      'accept',
      'arrive',
      'resolve',
      'verify',
      'feedback',
    ]);
    expect(detail.timeline.find((e) => e.action === 'dispatch' && e.actorId === 'u-op1')!.data).toMatchObject(
      // The rule list's pick skips the worker who returned it: the grid's backup.
      { override: true, suggestedId: 'u-worker02' },
    );
    expect(detail.sources.map((s) => s.kind)).toEqual(['auto', 'auto']);
    expect(detail.sources[1]).toMatchObject({
      deviceId: camera.id,
      eventType: 'fire_smoke',
      snapshot: 'https://cam.example/snap/7.jpg',
    });
    expect(JSON.stringify(detail)).not.toContain('13912345678');

    // The street's DingTalk group heard about each new case once (the return waits for the digest).
    await expect.poll(() => robot.received.length, { timeout: 10_000 }).toBe(2);
    expect(robot.received.map((r) => r.body.markdown.title).sort()).toEqual([
      '【紧急】居民来电：楼下冒黑烟（江城社区第1网格）',
      '【紧急】烟雾浓度超限（江城社区第1网格）',
    ]);

    // Every move is on the audit chain, and the chain holds; the figures count the case.
    const audit = await op.call<AuditVerification>('GET', '/api/audit/verify');
    expect(audit.body).toMatchObject({ ok: true, brokenAt: null });
    const stats = await op.call<CaseStatsView>(
      'GET',
      `/api/analytics/cases?from=${opened.openedAt}&to=${Date.now() + 1}`,
    );
    expect(stats.body).toMatchObject({
      opened: 2,
      satisfactionRate: { value: 1 },
      onTimeResolutionRate: { numerator: 1 },
    });
    expect(stats.body.byDepartment).toContainEqual({
      key: 'dept-fire',
      opened: 1,
      resolved: 1,
      resolvedOnTime: 1,
      overdue: 0,
      pastResolveDue: 0,
    });
  });
});
