import type { CaseCategoryNode, CasePageView, CaseView, SlaEntry } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

describe.each(stateDialects())('立案 queue and per-clock SLAs over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  let op: ApiClient;
  let worker: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [admin, op, worker] = await Promise.all([env.login('admin'), env.login('op1'), env.login('worker01')]);
  });
  afterAll(async () => env?.stop());

  const garbageSla = {
    register: '30m',
    dispatch: '2wh',
    accept: '30m',
    arrive: '1wd',
    resolve: '3wd',
    repeatEveryMinutes: 30,
    escalateEveryMinutes: 240,
    breach: { register: ['remind', 'supervise'], dispatch: ['remind', 'escalate'] },
  };

  const config = async () =>
    (await op.call<{ categories: CaseCategoryNode[]; slas: SlaEntry[] }>('GET', '/api/case-config')).body;

  it('立案 by hand is the default; an administrator switches a category and sets a subcategory row with breach actions', async () => {
    const before = (await config()).categories;
    const node = before.find((c) => c.key === 'city_appearance')!;
    expect(node.autoRegister).toBe(false);
    // Safety hazards are registered at once, as the standard taxonomy seeds them (decision 0029).
    expect(before.find((c) => c.key === 'fire_safety')).toMatchObject({ autoRegister: true });
    const automatic = await admin.call<CaseCategoryNode>('PUT', '/api/admin/categories/city_appearance', {
      ...node,
      autoRegister: true,
    });
    expect(automatic.status).toBe(200);
    expect((await config()).categories.find((c) => c.key === 'city_appearance')).toMatchObject({
      autoRegister: true,
    });
    const set = await admin.call<CaseCategoryNode>('PUT', '/api/admin/categories/city_appearance', {
      ...node,
      autoRegister: false,
    });
    expect(set.status).toBe(200);

    const row = await admin.call<SlaEntry>(
      'PUT',
      '/api/admin/slas/city_appearance.garbage/warning',
      garbageSla,
    );
    expect(row.status).toBe(200);
    const after = await config();
    expect(after.categories.find((c) => c.key === 'city_appearance')).toMatchObject({ autoRegister: false });
    expect(after.slas).toContainEqual({
      category: 'city_appearance.garbage',
      severity: 'warning',
      sla: garbageSla,
    });
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['an unknown node', 'city_appearance.nope', garbageSla, 'category city_appearance.nope does not exist'],
    [
      'an unknown breach action',
      'city_appearance.garbage',
      { ...garbageSla, breach: { accept: ['shout'] } },
      'breach.accept must be a list of remind, escalate, supervise',
    ],
    [
      'a bad dispatch span',
      'city_appearance.garbage',
      { ...garbageSla, dispatch: 'soon' },
      'dispatch must be a span like 15m, 2h, 1d, 4wh or 3wd',
    ],
  ])('refuses %s with a 400 that names it', async (_, key, body, detail) => {
    const answer = await admin.call<ErrorBody>('PUT', `/api/admin/slas/${key}/warning`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContain(detail);
  });

  it('only an administrator changes the SLA table', async () => {
    const answer = await op.call<ErrorBody>(
      'PUT',
      '/api/admin/slas/city_appearance.garbage/warning',
      garbageSla,
    );
    expect(answer.status).toBe(403);
  });

  it('a hotline report of that category waits in the queue with its clock; the desk registers it and it is routed', async () => {
    const before = Date.now();
    const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '居民来电：楼下乱倒垃圾',
      description: '3 号楼后面堆了建筑垃圾',
      category: 'city_appearance',
      subcategory: 'city_appearance.garbage',
      caseType: 'city_appearance.garbage.illegal_dumping',
      severity: 'warning',
      location: null,
      address: '江城社区 3 号楼',
      callerName: '李四',
      callerPhone: '13912345678',
      gridId: 'G01',
      assigneeId: null,
      overrideNote: null,
    });
    expect(filed.status).toBe(201);
    const waiting = filed.body.case;
    expect(waiting).toMatchObject({ state: 'reported', assigneeId: null });
    // The garbage row's 30 minutes, not the category's.
    expect(waiting.registerDueAt! - waiting.openedAt).toBe(30 * 60_000);
    expect(waiting.openedAt).toBeGreaterThanOrEqual(before);

    const queue = await op.call<CasePageView>('GET', '/api/cases/search?state=reported');
    expect(queue.body.cases.map((c) => c.id)).toContain(waiting.id);

    const refused = await worker.call<ErrorBody>('POST', `/api/cases/${waiting.id}/actions`, {
      action: 'register',
    });
    expect(refused.status).toBe(403);

    const registered = await op.call<CaseView>('POST', `/api/cases/${waiting.id}/actions`, {
      action: 'register',
    });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ state: 'dispatched', registerDueAt: null, dispatchDueAt: null });
    const queueAfter = await op.call<CasePageView>('GET', '/api/cases/search?state=reported');
    expect(queueAfter.body.cases.map((c) => c.id)).not.toContain(waiting.id);
  });
});
