import { afterEach, describe, expect, it } from 'vitest';
import { listCaseSources } from '@gridsense/state';
import { startCaseEnv, type CaseEnv } from './testing/case-env';

const MIN = 60_000;
let env: CaseEnv;
afterEach(async () => env?.stop());

const fireCall = (gridId: string) => ({
  title: '居民来电：闻到焦糊味并看到烟',
  description: '江城社区 3 号楼附近冒烟',
  category: 'fire_safety',
  subcategory: 'fire_safety.alarm',
  caseType: 'fire_safety.alarm.citizen_report',
  severity: 'critical' as const,
  location: null,
  address: null,
  callerName: '王五',
  callerPhone: '13700002222',
  gridId,
  assigneeId: null,
  overrideNote: null,
});

describe('one case per cause, one case per incident', () => {
  it('repeated firings of one device and rule add occurrences; a worse one brings deadlines forward', async () => {
    env = await startCaseEnv();
    const first = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'warning');
    const opened = await env.record(first!.caseId);
    env.clock.advance(MIN);
    await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    const again = await env.record(first!.caseId);
    expect(again).toMatchObject({ occurrences: 2, severity: 'critical' });
    expect(again.resolveDueAt).toBeLessThan(opened.resolveDueAt!);
    const [source] = await listCaseSources(env.db, first!.caseId);
    expect(source).toMatchObject({ count: 2, active: true });
  });

  it('smoke sensor + camera fire_smoke + a hotline call in one grid within the window become one case', async () => {
    env = await startCaseEnv();
    const smoke = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    env.clock.advance(2 * MIN);
    const camera = await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'critical', {
      eventType: 'fire_smoke',
      snapshot: 'https://cam.example/snap/1.jpg',
    });
    env.clock.advance(3 * MIN);
    const call = await env.cases.hotline(await env.user('op1'), fireCall('G01'));
    expect([smoke!.outcome, camera!.outcome, call.outcome]).toEqual(['opened', 'fused', 'fused']);
    expect(new Set([smoke!.caseId, camera!.caseId, call.caseId]).size).toBe(1);

    const detail = await env.cases.detail(await env.user('op1'), smoke!.caseId);
    expect(detail.case).toMatchObject({
      sourceCount: 3,
      occurrences: 3,
      requester: { name: '王*', masked: true },
    });
    expect(detail.sources.map((s) => [s.kind, s.deviceId, s.eventType])).toEqual([
      ['auto', 'smoke-G01-1', null],
      ['auto', 'camera-G01-4', 'fire_smoke'],
      ['hotline', null, null],
    ]);
    expect(detail.sources[1]!.snapshot).toBe('https://cam.example/snap/1.jpg');
    expect(detail.timeline.filter((e) => e.action === 'linked').map((e) => e.data?.kind)).toEqual([
      'auto',
      'hotline',
    ]);
    expect(JSON.stringify(detail.timeline)).not.toContain('13700002222');

    // The camera's own repeat is an occurrence of its source, not a new case.
    env.clock.advance(MIN);
    expect(
      await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'critical', {
        eventType: 'fire_smoke',
      }),
    ).toMatchObject({
      caseId: smoke!.caseId,
    });
  });

  it.each<[string, string, number]>([
    ['another grid', 'G02', 1],
    ['after the 10-minute window', 'G01', 11],
  ])('a fire in %s opens its own case', async (_name, gridId, minutes) => {
    env = await startCaseEnv();
    const smoke = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    env.clock.advance(minutes * MIN);
    const other = await env.risk(`camera-${gridId}-4`, gridId, 'camera-fire', 'fire_safety', 'critical', {
      eventType: 'fire_smoke',
    });
    expect(other).toMatchObject({ outcome: 'opened' });
    expect(other!.caseId).not.toBe(smoke!.caseId);
  });

  it('the case stays risk-active until every fused source has cleared', async () => {
    env = await startCaseEnv();
    const smoke = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'warning');
    await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', null);
    expect((await env.record(smoke!.caseId)).riskActive).toBe(true);
    await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', null);
    expect(await env.record(smoke!.caseId)).toMatchObject({ riskActive: false, state: 'dispatched' });
  });
});

describe('a parent case suppresses the flood of child cases', () => {
  const outage = {
    title: '江城社区片区停电',
    description: '供电公司通知：江城社区 10kV 线路故障',
    category: 'power_outage',
    subcategory: 'power_outage.area',
    caseType: 'power_outage.area.community_outage',
    severity: 'critical' as const,
    location: null,
    address: null,
    callerName: '供电所调度',
    callerPhone: '95598',
    gridId: 'G02',
    assigneeId: null,
    overrideNote: null,
  };

  it('devices going offline under a community power cut join the parent silently', async () => {
    env = await startCaseEnv();
    const { case: parent } = await env.cases.hotline(await env.user('op1'), outage);
    expect(parent).toMatchObject({ assigneeId: 'u-sup1', coHandlerIds: ['u-street1'] });
    await env.deliver();
    const noticesBefore = env.notified.length;

    const offline = ['smoke-G01-1', 'smoke-G02-1', 'gas-G03-5', 'camera-G01-4'];
    for (const [i, deviceId] of offline.entries()) {
      const gridId = deviceId.split('-')[1]!;
      const outcome = await env.risk(deviceId, gridId, 'device-offline', 'device_health', 'info');
      expect(outcome, `device ${i}`).toEqual({ caseId: parent.id, outcome: 'suppressed' });
    }
    // Outside the community (G04 is in 秋涛社区): its own case.
    expect(await env.risk('smoke-G04-1', 'G04', 'device-offline', 'device_health', 'info')).toMatchObject({
      outcome: 'opened',
    });

    const view = (await env.cases.detail(await env.user('op1'), parent.id)).case;
    expect(view).toMatchObject({ suppressedCount: 4, sourceCount: 1 });
    await env.deliver();
    const newNotices = env.notified.slice(noticesBefore).map((n) => n.userId);
    expect(newNotices).toEqual(['u-worker07']); // only the G04 case's assignee heard anything
  });

  it('open child cases are adopted when the parent opens, go quiet, and are released when it is resolved', async () => {
    env = await startCaseEnv();
    const child = await env.risk('elevator-G01-7', 'G01', 'elevator-trapped', 'facility', 'critical');
    const { case: parent } = await env.cases.hotline(await env.user('op1'), outage);
    expect(await env.record(child!.caseId)).toMatchObject({ parentId: parent.id });
    expect((await env.cases.detail(await env.user('op1'), parent.id)).childIds).toEqual([child!.caseId]);

    env.clock.advance(60 * MIN);
    await env.alerts.ticker.tick();
    expect(
      (await env.cases.detail(await env.user('op1'), child!.caseId)).timeline.some(
        (e) => e.action === 'escalate',
      ),
    ).toBe(false);

    const sup = await env.user('sup1');
    await env.cases.act(sup, parent.id, { action: 'accept' });
    await env.cases.act(sup, parent.id, { action: 'resolve', note: '线路已抢修，恢复供电' });
    expect(await env.record(child!.caseId)).toMatchObject({ parentId: null });
    await env.alerts.ticker.tick();
    expect(
      (await env.cases.detail(await env.user('op1'), child!.caseId)).timeline.map((e) => e.action),
    ).toContain('escalate');
  });
});
