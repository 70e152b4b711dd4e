import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { insertDepartment } from '@gridsense/state';
import { createCaseAdmin } from '../admin-service';
import { beijing, startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  const hotline = (extra: Record<string, unknown> = {}) => ({
    title: '居民来电：楼道起火',
    description: '3 号楼 2 单元楼道有明火',
    category: 'fire_safety',
    subcategory: 'fire_safety.fire',
    caseType: 'fire_safety.fire.building_fire',
    severity: 'critical' as const,
    location: null,
    address: '江城社区 3 号楼',
    callerName: '张三',
    callerPhone: '13812345678',
    gridId: 'G01',
    assigneeId: null,
    overrideNote: null,
    ...extra,
  });

  describe('who gets a case: the rule list, rosters and overrides', () => {
    it('a smoke alarm goes to the grid primary with the community as co-handler (rule "fire")', async () => {
      env = await startCaseEnv({ dialect });
      const outcome = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
      const detail = await env.cases.detail(await env.user('op1'), outcome!.caseId);
      expect(detail.case).toMatchObject({
        state: 'dispatched',
        assigneeId: 'u-worker01',
        coHandlerIds: ['u-sup1'],
        subcategory: 'fire_safety.alarm',
        caseType: 'fire_safety.alarm.smoke',
        categoryName: '消防安全',
        photoRequired: true,
        dispatcherId: 'system',
      });
      expect(detail.timeline.map((e) => e.action)).toEqual(['report', 'register', 'dispatch']);
      expect(detail.timeline[2]!.data).toMatchObject({ ruleId: 'fire', assigneeId: 'u-worker01' });
    });

    it.each<[string, string, string, string | null, string[]]>([
      [
        'garbage overflow in 望江街道: 城管 leads, the grid co-handles',
        'G01',
        'u-cgj1',
        'dept-cgj',
        ['u-worker01'],
      ],
      ['street vending in 湖滨街道: its own rule, the grid leads', 'G10', 'u-worker19', null, ['u-cgj1']],
    ])('%s', async (_name, gridId, lead, department, co) => {
      env = await startCaseEnv({ dialect });
      const eventType = gridId === 'G01' ? 'garbage_overflow' : 'street_vending';
      const outcome = await env.risk(
        `camera-${gridId}-4`,
        gridId,
        `camera-${eventType}`,
        'city_appearance',
        'warning',
        { eventType },
      );
      expect(await env.record(outcome!.caseId)).toMatchObject({
        assigneeId: lead,
        departmentId: department,
        coHandlerIds: co,
      });
    });

    it.each<[string, number, string]>([
      ['day watch', beijing(2026, 3, 10, 10), 'u-fire1'],
      ['night watch', beijing(2026, 3, 10, 22), 'u-fire2'],
      ['night watch after midnight', beijing(2026, 3, 11, 3), 'u-fire2'],
    ])('a building fire goes to the fire department on duty: %s', async (_name, at, handler) => {
      env = await startCaseEnv({ dialect, start: at });
      const { case: view } = await env.cases.hotline(await env.user('op1'), hotline());
      expect(view).toMatchObject({
        assigneeId: handler,
        departmentId: 'dept-fire',
        departmentName: '区消防救援大队',
      });
      expect(view.coHandlerIds).toEqual(['u-worker01', 'u-sup1']);
    });

    it('a grid roster shift decides who is on duty, standing duties outside it', async () => {
      env = await startCaseEnv({ dialect, start: beijing(2026, 3, 10, 23) });
      const admin = await env.user('admin');
      const shift = {
        scopeKind: 'grid',
        scopeId: 'G02',
        userId: 'u-worker04',
        duty: 'primary',
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        startMinute: 22 * 60,
        endMinute: 6 * 60,
      };
      await createCaseAdmin({ db: env.db, now: env.clock.now, regions: env.cases.regions }).addRosterShift(
        admin,
        shift,
      );
      const night = await env.risk('smoke-G02-1', 'G02', 'smoke-high', 'fire_safety', 'warning');
      expect((await env.record(night!.caseId)).assigneeId).toBe('u-worker04');
      env.clock.set(beijing(2026, 3, 11, 9));
      const day = await env.risk('smoke-G02-2', 'G02', 'smoke-high', 'fire_safety', 'warning');
      expect((await env.record(day!.caseId)).assigneeId).toBe('u-worker03');
    });

    it("an operator's own choice is dispatched and recorded as an override", async () => {
      env = await startCaseEnv({ dialect });
      const { case: view } = await env.cases.hotline(
        await env.user('op1'),
        hotline({ assigneeId: 'u-worker02', overrideNote: '主责网格员请假' }),
      );
      const detail = await env.cases.detail(await env.user('op1'), view.id);
      expect(detail.case).toMatchObject({ assigneeId: 'u-worker02', dispatcherId: 'u-op1' });
      expect(detail.timeline.find((e) => e.action === 'dispatch')).toMatchObject({
        actorId: 'u-op1',
        note: '主责网格员请假',
        data: { assigneeId: 'u-worker02', override: true, suggestedId: 'u-fire1' },
      });
      const redispatched = await env.cases.act(await env.user('op1'), view.id, {
        action: 'dispatch',
        assigneeId: 'u-fire1',
      });
      expect(redispatched.assigneeId).toBe('u-fire1');
      const last = (await env.cases.detail(await env.user('op1'), view.id)).timeline.at(-1)!;
      expect(last.data).toMatchObject({ override: false, suggestedId: 'u-fire1', departmentId: 'dept-fire' });
    });

    it('with nobody to route to, the case waits registered and the community desk is told', async () => {
      env = await startCaseEnv({ dialect });
      await insertDepartment(env.db, { id: 'dept-empty', name: '空部门', regionId: 'D1' });
      const admin = createCaseAdmin({ db: env.db, now: env.clock.now, regions: env.cases.regions });
      const rule = {
        id: 'traffic',
        match: 'traffic',
        regionId: 'D1',
        lead: { kind: 'department', departmentId: 'dept-empty' },
        coHandlers: [],
        enabled: true,
      };
      await expect(
        admin.setDispatchRule(await env.user('admin'), {
          ...rule,
          lead: { kind: 'user', userId: 'u-ghost' },
        }),
      ).rejects.toMatchObject({
        details: ['user u-ghost does not exist'],
      });
      await admin.setDispatchRule(await env.user('admin'), rule);
      const outcome = await env.risk('camera-G01-4', 'G01', 'camera-parking', 'traffic', 'info', {
        eventType: 'illegal_parking',
      });
      expect(await env.record(outcome!.caseId)).toMatchObject({ state: 'registered', assigneeId: null });
      await env.deliver();
      expect(env.linesFor('u-sup1')).toEqual(['新事件：camera-parking 告警']);
    });

    it('refuses to dispatch to someone who does not handle cases', async () => {
      env = await startCaseEnv({ dialect });
      const outcome = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
      await expect(
        env.cases.act(await env.user('op1'), outcome!.caseId, { action: 'dispatch', assigneeId: 'u-eng1' }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });

  describe('discovery channels', () => {
    it('a patrol report lands in the grid that contains its location and the reporter handles it himself', async () => {
      env = await startCaseEnv({ dialect });
      const worker = await env.user('worker09'); // primary of G05
      const region = env.cases.regions().find((r) => r.id === 'G05')!;
      const ring = region.boundary!.coordinates[0]!;
      const lngs = ring.map(([lng]) => lng);
      const lats = ring.map(([, lat]) => lat);
      const location = {
        lng: (Math.min(...lngs) + Math.max(...lngs)) / 2,
        lat: (Math.min(...lats) + Math.max(...lats)) / 2,
      };
      const report = {
        title: '楼道堆放纸箱',
        description: '5 号楼楼道堆放大量纸箱，堵塞通道',
        category: 'fire_safety',
        subcategory: 'fire_safety.hazard',
        caseType: 'fire_safety.hazard.corridor_storage',
        severity: 'warning' as const,
        location,
        address: null,
        photos: ['/api/photos/3f0e2e0e-0000-4000-8000-000000000001.png'],
        selfHandle: true,
      };
      const { case: view } = await env.cases.report(worker, report);
      expect(view).toMatchObject({
        gridId: 'G05',
        source: 'patrol',
        reporterId: 'u-worker09',
        assigneeId: 'u-worker09',
        // Theirs at once: nothing to sign for (签收), no alarm.
        state: 'accepted',
        acceptDueAt: null,
      });
      const timeline = (await env.cases.detail(worker, view!.id)).timeline;
      expect(timeline[0]).toMatchObject({
        action: 'report',
        actorId: 'u-worker09',
        data: { photos: report.photos },
      });
      expect(timeline[2]!.data).toMatchObject({ selfHandle: true });
      expect(timeline[3]).toMatchObject({ action: 'accept', actorId: 'u-worker09' });
      await env.deliver();
      expect(env.linesFor('u-worker09')).toEqual([]);

      await expect(
        env.cases.report(worker, { ...report, location: { lat: 10, lng: 10 } }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        message: 'the location is outside every grid',
      });
      await expect(
        env.cases.report(worker, { ...report, caseType: 'fire_safety.alarm.smoke' }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });

    it('a hotline caller is stored, masked in every view, and revealed only to the command centre with an audit entry', async () => {
      env = await startCaseEnv({ dialect });
      const op = await env.user('op1');
      const { case: view } = await env.cases.hotline(op, hotline());
      expect(view.requester).toEqual({ name: '张*', phone: '138****5678', masked: true });
      expect(JSON.stringify(await env.cases.detail(op, view.id))).not.toContain('13812345678');
      expect(JSON.stringify(await env.cases.list(op, { openOnly: true }))).not.toContain('张三');
      await expect(env.cases.revealRequesters(await env.user('worker01'), view.id)).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(await env.cases.revealRequesters(op, view.id)).toEqual([
        { name: '张三', phone: '13812345678', at: env.clock.now() },
      ]);
      const audit = await env.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'case.requester_revealed')
        .execute();
      expect(audit).toMatchObject([{ actor_id: 'u-op1', entity_id: view.id }]);
    });

    it('a hotline entry for a grid outside the operator’s region is refused', async () => {
      env = await startCaseEnv({ dialect });
      await expect(
        env.cases.hotline(await env.user('sup1'), hotline({ gridId: 'G10' })),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(env.cases.hotline(await env.user('worker01'), hotline())).rejects.toMatchObject({
        code: 'forbidden',
      });
    });
  });
});
