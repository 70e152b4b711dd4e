import type { CaseDetailView, CasePageView, CaseStatsView, CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

/**
 * 不予立案 and 非属地 over HTTP: a hotline report of a category registered by hand (市容, the
 * default) waits in the 待立案 queue; the desk declines it or returns it upstream with a reason
 * code, a grid worker and a street supervisor of another street are refused, and the analytics
 * count both outcomes apart from every rate. Demo district: G01 lies in S1 (street1), G07 in S2.
 */
describe.each(stateDialects())('不予立案 and 非属地 over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let worker: ApiClient;
  let street1: ApiClient;
  let street2: ApiClient;
  const from = Date.now() - 60_000;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [op, worker, street1, street2] = await Promise.all([
      env.login('op1'),
      env.login('worker01'),
      env.login('street1'),
      env.login('street2'),
    ]);
  });
  afterAll(async () => env?.stop());

  const hotline = async (title: string, gridId = 'G01') => {
    const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title,
      description: `${title}（来电反映）`,
      category: 'city_appearance',
      severity: 'warning',
      gridId,
      callerName: '李四',
      callerPhone: '13912345678',
    });
    expect(filed.status).toBe(201);
    expect(filed.body.case.state).toBe('reported');
    return filed.body.case;
  };
  const act = (client: ApiClient, id: string, body: unknown) =>
    client.call<CaseView & ErrorBody>('POST', `/api/cases/${id}/actions`, body);
  const lastEntry = async (id: string) =>
    (await op.call<CaseDetailView>('GET', `/api/cases/${id}`)).body.timeline.at(-1);

  it('the desk declines a waiting report with a reason code: closed, its clocks stopped, out of the queue', async () => {
    const waiting = await hotline('来电反映邻居装修噪声');
    expect(waiting.registerDueAt).not.toBeNull();
    const bare = await act(op, waiting.id, { action: 'decline', reason: 'not_governance' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toBe('declining to register needs a note saying why');
    const unknown = await act(op, waiting.id, { action: 'decline', reason: 'boring', note: '无' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toContain(
      'reason must be one of duplicate, not_governance, insufficient_info, other',
    );

    const declined = await act(op, waiting.id, {
      action: 'decline',
      reason: 'not_governance',
      note: '属民事纠纷，已告知来电人通过调解解决',
    });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({
      state: 'closed',
      closeReason: 'declined',
      registerDueAt: null,
      dispatchDueAt: null,
      assigneeId: null,
    });
    expect(await lastEntry(waiting.id)).toMatchObject({
      action: 'decline',
      actorId: 'u-op1',
      fromState: 'reported',
      toState: 'closed',
      note: '属民事纠纷，已告知来电人通过调解解决',
      data: { reason: 'not_governance' },
    });
    const queue = await op.call<CasePageView>('GET', '/api/cases/search?state=reported');
    expect(queue.body.cases.map((c) => c.id)).not.toContain(waiting.id);
  });

  it('a report declined as a duplicate names the case it repeats, whose timeline records the link', async () => {
    const original = await hotline('小区门口垃圾桶满溢');
    const copy = await hotline('小区门口垃圾桶满溢（再次来电）');
    const unnamed = await act(op, copy.id, { action: 'decline', reason: 'duplicate' });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.details).toContain('duplicateOfId is required');
    const declined = await act(street1, copy.id, {
      action: 'decline',
      reason: 'duplicate',
      duplicateOfId: original.id,
    });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ closeReason: 'declined', duplicateOfId: original.id });
    expect(await lastEntry(original.id)).toMatchObject({
      action: 'duplicate_linked',
      data: { caseId: copy.id },
    });
  });

  it('a grid worker and a supervisor of another street are refused; the report keeps waiting', async () => {
    const waiting = await hotline('来电反映路边违规摆摊');
    const decline = { action: 'decline', reason: 'insufficient_info', note: '地址不详' };
    const upstream = { action: 'return_upstream', reason: 'other_district', note: '属邻区' };
    for (const body of [decline, upstream]) {
      const byWorker = await act(worker, waiting.id, body);
      expect(byWorker.status).toBe(403);
      // Another street's desk cannot even see the case.
      expect((await act(street2, waiting.id, body)).status).toBe(404);
    }
    expect((await act(worker, waiting.id, decline)).body.error.message).toBe(
      'only the command centre and supervisors decline to register a case',
    );
    expect((await act(worker, waiting.id, upstream)).body.error.message).toBe(
      'only the command centre and supervisors return a hotline case upstream',
    );
    const still = await op.call<CaseDetailView>('GET', `/api/cases/${waiting.id}`);
    expect(still.body.case).toMatchObject({ state: 'reported', closeReason: null });
    // The street's own desk may.
    expect((await act(street1, waiting.id, decline)).body).toMatchObject({ closeReason: 'declined' });
  });

  it('the street returns a hotline case upstream while waiting, or after a 退单, never once work is under way', async () => {
    const waiting = await hotline('来电反映区界河道漂浮物');
    const noNote = await act(street1, waiting.id, { action: 'return_upstream', reason: 'other_district' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details).toContain('note is required');
    const returned = await act(street1, waiting.id, {
      action: 'return_upstream',
      reason: 'other_district',
      note: '河道东岸属邻区管辖，已退回 12345 转派',
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ state: 'closed', closeReason: 'returned_upstream' });
    expect(await lastEntry(waiting.id)).toMatchObject({
      action: 'return_upstream',
      data: { reason: 'other_district' },
    });

    // Registered and dispatched: the worker works on it, so it is not returned upstream…
    const second = await hotline('来电反映高架桥下积水');
    const registered = await act(op, second.id, { action: 'register' });
    expect(registered.body.state).toBe('dispatched');
    const upstream = { action: 'return_upstream', reason: 'outside_remit', note: '高架桥属市政养护单位' };
    const busy = await act(op, second.id, upstream);
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe('cannot return_upstream a dispatched case');
    // …until its lead returns it (退单): then the desk may.
    const lead = await env.login(registered.body.assigneeId!.replace(/^u-/, ''));
    expect((await act(lead, second.id, { action: 'return', reason: 'not_my_duty' })).body.state).toBe(
      'returned',
    );
    expect((await act(op, second.id, upstream)).body).toMatchObject({
      state: 'closed',
      closeReason: 'returned_upstream',
    });
  });

  it('a patrol report is not returned upstream: only hotline cases come from upstream', async () => {
    const reported = await worker.call<{ case: CaseView }>('POST', '/api/cases/reports', {
      title: '人行道广告牌歪斜',
      description: '广告牌一角脱落',
      category: 'city_appearance',
      severity: 'info',
      location: { lat: 30.262, lng: 120.155 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
    });
    expect(reported.status).toBe(201);
    const patrol = reported.body.case;
    expect(patrol.state).toBe('reported');
    const refused = await act(op, patrol.id, {
      action: 'return_upstream',
      reason: 'outside_remit',
      note: '不适用',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('only a hotline case is returned upstream');
  });

  it('the analytics count declined and upstream-returned cases apart and leave them out of the rates', async () => {
    const stats = await op.call<CaseStatsView>(
      'GET',
      `/api/analytics/cases?from=${from}&to=${Date.now() + 60_000}`,
    );
    expect(stats.status).toBe(200);
    // Declined: the not-a-governance-matter report, the duplicate and the street's; returned: two.
    expect(stats.body.voided).toMatchObject({ declined: 3, returned_upstream: 2, void: 0 });
    const g01 = stats.body.units.grid.find((u) => u.key === 'G01')!;
    expect(g01).toMatchObject({ declined: 3, returnedUpstream: 2, voided: 0 });
    // Counted: the original of the duplicate (waiting) and the patrol report; nothing past its deadline.
    expect(g01.handled).toBe(2);
    expect(stats.body.responseRate.denominator).toBe(0);
  });
});
