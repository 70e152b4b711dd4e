import type {
  AuditEntryView,
  CaseDetailView,
  CaseView,
  DispatchPeopleView,
  NotificationView,
} from '@gridsense/core';
import { sql } from 'kysely';
import { createECDH, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects, type StateDialect } from '@gridsense/state/testing';
import { registerAutomatically } from './harness/auto-register';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

/** A person's in-app notices (a list, or the list with an unread count). */
async function noticesOf(client: ApiClient): Promise<NotificationView[]> {
  const body = (
    await client.call<NotificationView[] | { notices: NotificationView[] }>('GET', '/api/notifications')
  ).body;
  return Array.isArray(body) ? body : body.notices;
}

/** What the state database holds: its files on SQLite, every row of every table as text on PostgreSQL. */
async function stateAtRest(env: TestPlatform, dialect: StateDialect): Promise<Buffer> {
  if (dialect === 'sqlite') {
    const files = ['state.db', 'state.db-wal'].map((file) =>
      readFile(join(env.dataDir, file)).catch(() => Buffer.alloc(0)),
    );
    return Buffer.concat(await Promise.all(files));
  }
  const db = await env.openState();
  try {
    const rows: string[] = [];
    for (const table of await db.introspection.getTables()) {
      const { rows: texts } = await sql<{
        row: string;
      }>`select t::text as row from ${sql.table(table.name)} t`.execute(db);
      rows.push(...texts.map((r) => r.row));
    }
    return Buffer.from(rows.join('\n'));
  } finally {
    await db.destroy();
  }
}

describe.each(stateDialects())(
  'the case API over HTTP: channels, admin, audit, notifications, scope (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    let op: ApiClient;
    let worker: ApiClient;
    let fire: ApiClient;

    beforeAll(async () => {
      env = await startTestPlatform({ dialect });
      [admin, op, worker, fire] = await Promise.all([
        env.login('admin'),
        env.login('op1'),
        env.login('worker01'),
        env.login('fire1'),
      ]);
      // These calls and reports are about what follows 立案 (routing, work, closing): their
      // categories are registered as they are filed (the 待立案 queue has suites of its own).
      await registerAutomatically(admin, 'facility', 'city_appearance', 'public_order');
    });
    afterAll(async () => env?.stop());

    it('serves the taxonomy and deadlines to everyone signed in', async () => {
      const config = await worker.call<{
        categories: { key: string; name: string }[];
        returnReasons: string[];
      }>('GET', '/api/case-config');
      expect(config.status).toBe(200);
      expect(config.body.categories).toContainEqual(
        expect.objectContaining({ key: 'fire_safety.alarm.smoke', name: '烟感告警' }),
      );
      expect(config.body.returnReasons).toContain('needs_department');
    });

    it('lets only administrators change the rule list, lists every problem, and audits the change', async () => {
      const rule = {
        match: 'gas_safety',
        regionId: 'G01',
        lead: { kind: 'user', userId: 'u-worker02' },
        coHandlers: [],
        enabled: true,
        note: 'B 角负责燃气',
      };
      expect(
        (await op.call<ErrorBody>('PUT', '/api/admin/dispatch-rules/gas-g01', rule)).body.error.code,
      ).toBe('forbidden');
      const bad = await admin.call<ErrorBody>('PUT', '/api/admin/dispatch-rules/gas-g01', {
        ...rule,
        lead: { kind: 'boss' },
        regionId: '',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual(['regionId is required', 'lead must be a handler reference']);
      expect((await admin.call('PUT', '/api/admin/dispatch-rules/gas-g01', rule)).status).toBe(200);
      const audit = await op.call<AuditEntryView[]>(
        'GET',
        '/api/audit?entityType=dispatch_rule&entityId=gas-g01',
      );
      expect(audit.body).toMatchObject([
        { actorId: 'u-admin', action: 'admin.dispatch_rule_set', data: { note: 'B 角负责燃气' } },
      ]);
      expect((await worker.call<ErrorBody>('GET', '/api/audit')).status).toBe(403);
      const calendar = await admin.call<ErrorBody>('PUT', '/api/admin/calendar', { workdays: [9] });
      expect(calendar.status).toBe(400);
      expect(calendar.body.error.details).toContain('workdays must be a list of ISO weekdays 1–7');
    });

    it('files a patrol report into the grid under its location, and refuses one outside every grid', async () => {
      const report = {
        title: '井盖缺失',
        description: '路口井盖缺失，已设置临时围挡',
        category: 'facility',
        subcategory: 'facility.manhole',
        caseType: 'facility.manhole.missing',
        severity: 'warning',
        location: { lat: 30.262, lng: 120.155 },
        photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
      };
      const filed = await worker.call<{ outcome: string; case: CaseView }>(
        'POST',
        '/api/cases/reports',
        report,
      );
      expect(filed.status).toBe(201);
      expect(filed.body).toMatchObject({
        outcome: 'opened',
        case: { gridId: 'G01', source: 'patrol', reporterId: 'u-worker01' },
      });
      const outside = await worker.call<ErrorBody>('POST', '/api/cases/reports', {
        ...report,
        location: { lat: 31, lng: 121 },
      });
      expect(outside.status).toBe(400);
      const missing = await worker.call<ErrorBody>('POST', '/api/cases/reports', { title: 'x' });
      expect(missing.body.error.details).toContain('photos must be a non-empty list of photo URLs');
    });

    it("a worker's own patrol report comes back to them taken (已签收), with no alarm to sign for", async () => {
      const filed = await worker.call<{ outcome: string; case: CaseView }>('POST', '/api/cases/reports', {
        title: '路灯不亮',
        description: '小区东门路灯损坏',
        category: 'facility',
        severity: 'info',
        location: { lat: 30.262, lng: 120.155 },
        photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
      });
      expect(filed.status).toBe(201);
      expect(filed.body).toMatchObject({
        outcome: 'opened',
        case: { state: 'accepted', assigneeId: 'u-worker01', reporterId: 'u-worker01', acceptDueAt: null },
      });
      const id = filed.body.case.id;
      const detail = await worker.call<CaseDetailView>('GET', `/api/cases/${id}`);
      expect(detail.body.timeline.map((e) => [e.action, e.actorId])).toEqual([
        ['report', 'u-worker01'],
        ['register', 'system'],
        ['dispatch', 'system'],
        ['accept', 'u-worker01'],
      ]);
      // The notices are written with the case: none of theirs is about it.
      expect((await noticesOf(worker)).filter((n) => n.caseIds.includes(id))).toEqual([]);
      // Someone else's case still reaches them with the alarm to sign for.
      const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
        title: '楼道堆放杂物',
        description: '2 号楼楼道堆放纸箱',
        category: 'city_appearance',
        severity: 'warning',
        gridId: 'G01',
        callerName: '钱明',
        callerPhone: '13700003333',
      });
      const assignee = call.body.case.assigneeId!;
      const notices = await noticesOf(await env.login(assignee.replace(/^u-/, '')));
      expect(notices.find((n) => n.caseIds.includes(call.body.case.id))?.kind).toBe('assigned');
    });

    it('a department handler sees only what is theirs, and callers are revealed only to the command centre', async () => {
      const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
        title: '电动车在楼道充电起火',
        description: '楼道内电动车冒烟起火',
        category: 'fire_safety',
        subcategory: 'fire_safety.fire',
        caseType: 'fire_safety.fire.building_fire',
        severity: 'critical',
        gridId: 'G07',
        callerName: '孙丽',
        callerPhone: '13600001234',
      });
      expect(call.status).toBe(201);
      const id = call.body.case.id;
      const handler = call.body.case.assigneeId === 'u-fire1' ? fire : await env.login('fire2');
      expect((await handler.call<CaseView[]>('GET', '/api/cases')).body.map((c) => c.id)).toEqual([id]);
      expect((await worker.call('GET', `/api/cases/${id}`)).status).toBe(404);
      expect((await worker.call('GET', `/api/cases/${id}/requesters`)).status).toBe(403);
      expect((await op.call('GET', `/api/cases/${id}/requesters`)).body).toEqual([
        { name: '孙丽', phone: '13600001234', at: expect.any(Number) },
      ]);
      expect(call.body.case.requester).toMatchObject({ phone: '136****1234', masked: true });
      // At rest only sealed: neither the number nor the name is anywhere in the database.
      const stored = await stateAtRest(env, dialect);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.includes(Buffer.from('13600001234'))).toBe(false);
      expect(stored.includes(Buffer.from('孙丽'))).toBe(false);
    });

    it('lists who can take a case in a grid, marks the pick, and records a different pick as an override', async () => {
      const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
        title: '地下车库入口积水',
        description: '暴雨后车库入口积水约二十厘米',
        category: 'flood',
        severity: 'warning',
        gridId: 'G01',
        callerName: '周平',
        callerPhone: '13900002222',
      });
      const id = call.body.case.id;
      const people = await op.call<DispatchPeopleView>('GET', `/api/grids/G01/people?caseId=${id}`);
      expect(people.status).toBe(200);
      // The rule list's flood entry: the grid's primary leads, the street desk co-handles.
      expect(people.body.suggestion).toEqual({
        leadId: 'u-worker01',
        coHandlerIds: ['u-street1'],
        ruleId: 'flood',
      });
      const bySource = (source: string) =>
        people.body.candidates.filter((c) => c.source === source).map((c) => c.userId);
      expect(bySource('grid_duty')).toEqual(['u-worker01', 'u-worker02']);
      expect(bySource('community')).toEqual(['u-sup1']);
      expect(bySource('street')).toEqual(['u-street1']);
      expect(people.body.candidates.find((c) => c.userId === 'u-cgj1')).toMatchObject({
        source: 'department',
        departmentName: '区城市管理局',
      });
      // Operators cannot take cases, so none is offered.
      expect(people.body.candidates.filter((c) => c.role === 'operator')).toEqual([]);

      const dispatched = await op.call<CaseView>('POST', `/api/cases/${id}/actions`, {
        action: 'dispatch',
        assigneeId: 'u-worker02',
        note: 'A 角今日病假',
      });
      expect(dispatched.body).toMatchObject({ state: 'dispatched', assigneeId: 'u-worker02' });
      const detail = await op.call<CaseDetailView>('GET', `/api/cases/${id}`);
      expect(detail.body.timeline.at(-1)).toMatchObject({
        action: 'dispatch',
        actorId: 'u-op1',
        note: 'A 角今日病假',
        data: { override: true, suggestedId: 'u-worker01', assigneeName: expect.stringContaining('网格员') },
      });
    });

    /** A hotline call entered by op1, dispatched by the rule list; answers the case and its lead's client. */
    async function hotlineCase(gridId: string, title: string, category = 'city_appearance') {
      const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
        title,
        description: `${title}（来电反映）`,
        category,
        severity: 'warning',
        gridId,
        callerName: '吴芳',
        callerPhone: '13500004444',
      });
      expect(call.status).toBe(201);
      const lead = await env.login(call.body.case.assigneeId!.replace(/^u-/, ''));
      return { id: call.body.case.id, assigneeId: call.body.case.assigneeId!, lead };
    }
    const act = <T = CaseView & ErrorBody>(client: ApiClient, id: string, body: unknown) =>
      client.call<T>('POST', `/api/cases/${id}/actions`, body);

    it('a supervisor fails verification with a reason (退回重办): the same worker has it again, told why', async () => {
      const { id, assigneeId, lead } = await hotlineCase('G01', '共享单车堆满人行道');
      expect((await act(lead, id, { action: 'accept' })).status).toBe(200);
      expect((await act(lead, id, { action: 'resolve', note: '已清理' })).body.state).toBe('resolved');
      const sup = await env.login('sup1');
      const bare = await act(sup, id, { action: 'reject', note: '  ' });
      expect([bare.status, bare.body.error.code]).toEqual([400, 'validation_failed']);
      expect((await act(lead, id, { action: 'reject', note: '我觉得可以' })).body.error.code).toBe(
        'forbidden',
      );
      const rejected = await act(sup, id, { action: 'reject', note: '人行道仍有车辆堆放' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ state: 'in_progress', assigneeId, resolvedAt: null });
      const detail = await sup.call<CaseDetailView>('GET', `/api/cases/${id}`);
      expect(detail.body.timeline.at(-1)).toMatchObject({
        action: 'reject',
        actorId: 'u-sup1',
        fromState: 'resolved',
        toState: 'in_progress',
        note: '人行道仍有车辆堆放',
      });
      const audit = await op.call<AuditEntryView[]>('GET', `/api/audit?entityType=case&entityId=${id}`);
      expect(audit.body.map((e) => e.action)).toContain('case.reject');
      // Done again, it passes.
      expect((await act(lead, id, { action: 'resolve', note: '已全部清走' })).body.state).toBe('resolved');
      expect((await act(sup, id, { action: 'verify' })).body.state).toBe('verified');
    });

    it('the command centre closes a case as void, false alarm or duplicate; none counts as handled (办结)', async () => {
      const from = Date.now() - 60_000;
      const original = await hotlineCase('G02', '路面坑洼', 'facility');
      const copy = await hotlineCase('G03', '路面坑洼（重复来电）', 'facility');
      const alarm = await hotlineCase('G01', '广场噪声扰民', 'public_order');

      // The worker holding it may not; a reason is needed; a duplicate names a case one can see.
      expect(
        (await act(alarm.lead, alarm.id, { action: 'void', reason: 'false_alarm', note: 'x' })).body.error
          .code,
      ).toBe('forbidden');
      const noReason = await act(op, alarm.id, { action: 'void', reason: 'false_alarm' });
      expect([noReason.status, noReason.body.error.code]).toEqual([400, 'validation_failed']);
      const badReason = await act(op, alarm.id, { action: 'void', reason: 'done', note: 'x' });
      expect(badReason.body.error.details).toEqual(['reason must be one of void, false_alarm, duplicate']);
      expect((await act(op, copy.id, { action: 'void', reason: 'duplicate' })).status).toBe(400);
      expect(
        (await act(op, copy.id, { action: 'void', reason: 'duplicate', duplicateOfId: copy.id })).status,
      ).toBe(400);
      expect(
        (await act(op, copy.id, { action: 'void', reason: 'duplicate', duplicateOfId: 'C-nowhere' })).status,
      ).toBe(404);
      expect((await op.call<CaseView>('GET', `/api/cases/${copy.id}`)).status).toBe(200);

      const falseAlarm = await act(op, alarm.id, {
        action: 'void',
        reason: 'false_alarm',
        note: '广场舞音响，已劝导',
      });
      expect(falseAlarm.body).toMatchObject({
        state: 'closed',
        closeReason: 'false_alarm',
        resolvedAt: null,
      });
      const sup2 = await env.login('sup2');
      const duplicate = await act(op, copy.id, {
        action: 'void',
        reason: 'duplicate',
        duplicateOfId: original.id,
      });
      expect(duplicate.body).toMatchObject({
        state: 'closed',
        closeReason: 'duplicate',
        duplicateOfId: original.id,
      });
      // A supervisor voids within their community only.
      const outside = await hotlineCase('G01', '违规张贴广告');
      expect((await act(sup2, outside.id, { action: 'void', reason: 'void', note: '测试' })).status).toBe(
        404,
      );
      expect(
        (await act(await env.login('sup1'), outside.id, { action: 'void', reason: 'void', note: '测试录入' }))
          .body,
      ).toMatchObject({
        closeReason: 'void',
      });

      // Both cases say so in their timelines, and the audit log has the close.
      const copyDetail = await op.call<CaseDetailView>('GET', `/api/cases/${copy.id}`);
      expect(copyDetail.body.timeline.at(-1)).toMatchObject({
        action: 'void',
        toState: 'closed',
        data: { reason: 'duplicate', duplicateOfId: original.id },
      });
      const originalDetail = await op.call<CaseDetailView>('GET', `/api/cases/${original.id}`);
      expect(originalDetail.body.case.state).toBe('dispatched');
      expect(originalDetail.body.timeline.at(-1)).toMatchObject({
        action: 'duplicate_linked',
        actorId: 'u-op1',
        data: { caseId: copy.id },
      });
      const audit = await op.call<AuditEntryView[]>('GET', `/api/audit?entityType=case&entityId=${alarm.id}`);
      expect(audit.body.find((e) => e.action === 'case.void')).toMatchObject({
        actorId: 'u-op1',
        data: { toState: 'closed', note: '广场舞音响，已劝导', data: { reason: 'false_alarm' } },
      });
      // A duplicate of a duplicate names the case it repeats instead.
      expect(
        (await act(op, original.id, { action: 'void', reason: 'duplicate', duplicateOfId: copy.id })).body
          .error.code,
      ).toBe('validation_failed');

      const stats = await op.call<{ voided: Record<string, number>; trend: { closed: number }[] }>(
        'GET',
        `/api/analytics/cases?from=${from}&to=${Date.now() + 60_000}`,
      );
      expect(stats.status).toBe(200);
      expect(stats.body.voided).toEqual({
        void: 1,
        false_alarm: 1,
        duplicate: 1,
        declined: 0,
        returned_upstream: 0,
      });
      expect(stats.body.trend.reduce((sum, day) => sum + day.closed, 0)).toBe(0);
    });

    it('a returned case is not suggested back to the worker who returned it', async () => {
      const { id, assigneeId, lead } = await hotlineCase('G01', '消防通道被占用');
      const before = await op.call<DispatchPeopleView>('GET', `/api/grids/G01/people?caseId=${id}`);
      expect(before.body.suggestion?.leadId).toBe(assigneeId);
      expect(
        (await act(lead, id, { action: 'return', reason: 'not_my_duty', note: '应由物业处理' })).status,
      ).toBe(200);
      const after = await op.call<DispatchPeopleView>('GET', `/api/grids/G01/people?caseId=${id}`);
      expect(after.body.suggestion?.leadId).toBeDefined();
      expect(after.body.suggestion?.leadId).not.toBe(assigneeId);
      expect(after.body.candidates.map((c) => c.userId)).toContain(assigneeId);
      // Dispatching to the new pick needs no reason; back to the one who returned it is an override.
      const back = await act(op, id, { action: 'dispatch', assigneeId });
      expect(back.body.error.code).toBe('validation_failed');
      const again = await act(op, id, { action: 'dispatch', assigneeId: after.body.suggestion!.leadId });
      expect(again.body).toMatchObject({ state: 'dispatched', assigneeId: after.body.suggestion!.leadId });
    });

    it('refuses the people list to readers who do not dispatch or whose region lacks the grid', async () => {
      expect((await worker.call<ErrorBody>('GET', '/api/grids/G01/people')).status).toBe(403);
      const otherCommunity = await env.login('sup2');
      expect((await otherCommunity.call<ErrorBody>('GET', '/api/grids/G01/people')).status).toBe(404);
      expect((await otherCommunity.call('GET', '/api/grids/G04/people')).status).toBe(200);
      expect((await op.call<ErrorBody>('GET', '/api/grids/G99/people')).status).toBe(404);
      const [elsewhere] = (await op.call<CaseView[]>('GET', '/api/cases')).body.filter(
        (c) => c.gridId !== 'G02',
      );
      const mismatch = await op.call<ErrorBody>('GET', `/api/grids/G02/people?caseId=${elsewhere!.id}`);
      expect(mismatch.body.error.code).toBe('validation_failed');
    });

    it('takes a browser push subscription and hands out the VAPID key', async () => {
      const key = await worker.call<{ publicKey: string }>('GET', '/api/notifications/push/key');
      expect(Buffer.from(key.body.publicKey, 'base64url')).toHaveLength(65);
      const bad = await worker.call<ErrorBody>('POST', '/api/notifications/push/subscriptions', {
        endpoint: 'ftp://x',
        keys: {},
      });
      expect(bad.body.error.details).toEqual([
        'endpoint must be an https URL',
        'keys.p256dh must be base64url',
        'keys.auth must be base64url',
      ]);
      const subscription = {
        // A public address: a name would need DNS, which a closed test network does not have.
        endpoint: 'https://203.0.113.9/send/abc',
        keys: {
          p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
      };
      expect((await worker.call('POST', '/api/notifications/push/subscriptions', subscription)).status).toBe(
        201,
      );
      expect(
        (
          await op.call('DELETE', '/api/notifications/push/subscriptions', {
            endpoint: subscription.endpoint,
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await worker.call('DELETE', '/api/notifications/push/subscriptions', {
            endpoint: subscription.endpoint,
          })
        ).status,
      ).toBe(204);
    });
  },
);
