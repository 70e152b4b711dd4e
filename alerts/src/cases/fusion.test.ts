import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { listCaseSources } from '@gridsense/state';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { registerAutomatically } from '../testing/auto-register';
import { CORRIDOR_CALL } from '../testing/hotline-calls';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
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
      env = await startCaseEnv({ dialect });
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

    it('a smoke alarm and a camera fire_smoke 254 m apart in one grid become one case, with both devices shown', async () => {
      env = await startCaseEnv({ dialect });
      const smoke = await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'critical');
      env.clock.advance(2 * MIN);
      const camera = await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'critical', {
        eventType: 'fire_smoke',
        snapshot: 'https://cam.example/snap/1.jpg',
        deviceType: 'camera',
      });
      expect([smoke!.outcome, camera!.outcome]).toEqual(['opened', 'fused']);
      expect(camera!.caseId).toBe(smoke!.caseId);

      const detail = await env.cases.detail(await env.user('op1'), smoke!.caseId);
      expect(detail.case).toMatchObject({ sourceCount: 2, occurrences: 2 });
      expect(detail.sources.map((s) => [s.kind, s.deviceId, s.eventType])).toEqual([
        ['auto', 'smoke-G01-2', null],
        ['auto', 'camera-G01-4', 'fire_smoke'],
      ]);
      expect(detail.sources[1]!.snapshot).toBe('https://cam.example/snap/1.jpg');
      const linked = detail.timeline.find((e) => e.action === 'linked')!;
      expect(linked.data).toMatchObject({
        kind: 'auto',
        title: 'camera-fire 告警',
        deviceId: 'camera-G01-4',
        deviceName: '江城社区第1网格 智能摄像头 4号',
        deviceType: 'camera',
        location: { lat: 30.267581, lng: 120.153288 },
        gridId: 'G01',
      });

      // The camera's own repeat is an occurrence of its source, not a new case.
      env.clock.advance(MIN);
      expect(
        await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'critical', {
          eventType: 'fire_smoke',
          deviceType: 'camera',
        }),
      ).toMatchObject({ caseId: smoke!.caseId });
    });

    it.each<[string, string, string, number]>([
      ['another grid', 'camera-G02-4', 'G02', 1],
      ['the same grid but 1.1 km away', 'camera-G01-4', 'G01', 1],
      ['after the 10-minute window', 'smoke-G01-2', 'G01', 11],
    ])('a fire in %s opens its own case', async (_name, deviceId, gridId, minutes) => {
      env = await startCaseEnv({ dialect });
      const smoke = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
      env.clock.advance(minutes * MIN);
      const other = await env.risk(deviceId, gridId, 'camera-fire', 'fire_safety', 'critical', {
        eventType: 'fire_smoke',
      });
      expect(other).toMatchObject({ outcome: 'opened' });
      expect(other!.caseId).not.toBe(smoke!.caseId);
    });

    it('the case stays risk-active until every fused source has cleared', async () => {
      env = await startCaseEnv({ dialect });
      const smoke = await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'critical');
      await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'warning');
      await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', null);
      expect((await env.record(smoke!.caseId)).riskActive).toBe(true);
      await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', null);
      expect(await env.record(smoke!.caseId)).toMatchObject({ riskActive: false, state: 'dispatched' });
    });
  });

  describe('a real alarm never disappears into an unrelated case', () => {
    const corridorCall = CORRIDOR_CALL;
    const lightOut = {
      title: '路灯不亮',
      description: '小区东门路灯不亮',
      category: 'electrical_safety',
      subcategory: null,
      caseType: null,
      severity: 'info' as const,
      location: { lat: 30.2578, lng: 120.1552 },
      address: '江城社区东门',
      photos: ['/api/photos/3f0e2e0e-0000-4000-8000-00000000000a.jpg'],
      selfHandle: false,
    };

    it('a hotline hazard, a patrol report and a smoke alarm in one grid within 10 minutes stay three cases', async () => {
      env = await startCaseEnv({ dialect });
      const call = await env.cases.hotline(await env.user('op1'), corridorCall);
      env.clock.advance(3 * MIN);
      const patrol = await env.cases.report(await env.user('worker01'), lightOut);
      env.clock.advance(3 * MIN);
      const alarm = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');

      expect([call.outcome, patrol.outcome, alarm!.outcome]).toEqual(['opened', 'opened', 'opened']);
      expect(new Set([call.caseId, patrol.caseId, alarm!.caseId]).size).toBe(3);
      // The hotline case is untouched: its title, severity and single source stay its own.
      expect(await env.record(call.caseId)).toMatchObject({
        title: '楼道堆物',
        severity: 'warning',
        occurrences: 1,
      });
      // The alarm is a case of its own, with its device, that reached the desk like any new alarm.
      expect(await env.record(alarm!.caseId)).toMatchObject({
        source: 'auto',
        deviceId: 'smoke-G01-1',
        severity: 'critical',
      });
      // Each side's timeline names the other as possibly related, for a merge by hand.
      const op = await env.user('op1');
      const related = async (id: string) =>
        (await env.cases.detail(op, id)).timeline
          .filter((e) => e.action === 'possibly_related')
          .flatMap((e) => (e.data?.cases as { id: string }[]).map((c) => c.id));
      expect(await related(alarm!.caseId)).toEqual(expect.arrayContaining([call.caseId, patrol.caseId]));
      expect(await related(call.caseId)).toContain(alarm!.caseId);
      expect((await env.cases.detail(op, call.caseId)).timeline.map((e) => e.action)).not.toContain('linked');
    });

    it('a hotline fire call during a smoke alarm opens its own case, listed as possibly related', async () => {
      env = await startCaseEnv({ dialect });
      const smoke = await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'critical');
      env.clock.advance(3 * MIN);
      const call = await env.cases.hotline(await env.user('op1'), fireCall('G01'));
      expect(call.outcome).toBe('opened');
      expect(call.caseId).not.toBe(smoke!.caseId);
      const entry = (await env.cases.detail(await env.user('op1'), call.caseId)).timeline.find(
        (e) => e.action === 'possibly_related',
      );
      expect(entry?.data?.cases).toEqual([{ id: smoke!.caseId, title: 'smoke-high 告警', source: 'auto' }]);
      expect(JSON.stringify(entry)).not.toContain('13700002222');
    });

    it('a fused alarm that raises the severity tells the desk and the handler, and says so on the timeline', async () => {
      env = await startCaseEnv({ dialect });
      const first = await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'warning');
      await env.deliver();
      const before = env.notified.length;
      env.clock.advance(MIN);
      const camera = await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'critical', {
        eventType: 'fire_smoke',
      });
      expect(camera).toEqual({ caseId: first!.caseId, outcome: 'fused' });
      const record = await env.record(first!.caseId);
      expect(record.severity).toBe('critical');

      await env.deliver();
      const raised = env.notified.slice(before).filter((n) => n.notice.kind === 'severity_raised');
      const told = raised.map((n) => n.userId);
      expect(told).toEqual(expect.arrayContaining(['u-sup1', 'u-op1', record.assigneeId!]));
      expect(raised[0]!.notice.lines.join()).toContain('等级由预警升为紧急');
      expect(raised[0]!.notice.lines.join()).toContain('智能摄像头 4号');
      expect(env.changed.some((c) => c.caseId === first!.caseId && c.action === 'severity_raised')).toBe(
        true,
      );

      const linked = (await env.cases.detail(await env.user('op1'), first!.caseId)).timeline.find(
        (e) => e.action === 'linked',
      );
      expect(linked?.data?.severityRaised).toEqual({ from: 'warning', to: 'critical' });
    });

    it('a fused alarm of the same or lower severity joins without the raised notice', async () => {
      env = await startCaseEnv({ dialect });
      const first = await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'critical');
      await env.deliver();
      const before = env.notified.length;
      await env.risk('camera-G01-4', 'G01', 'camera-fire', 'fire_safety', 'warning');
      await env.deliver();
      expect((await env.record(first!.caseId)).severity).toBe('critical');
      expect(env.notified.slice(before).some((n) => n.notice.kind === 'severity_raised')).toBe(false);
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

    // The power company's notice of a cut is registered at once: the case is the parent from its opening.
    const startWithOutagesAutomatic = async () => {
      env = await startCaseEnv({ dialect });
      await registerAutomatically(env.db, env.clock.now(), 'power_outage');
    };

    it('devices going offline under a community power cut join the parent silently', async () => {
      await startWithOutagesAutomatic();
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
      await startWithOutagesAutomatic();
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
});
