import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listCaseSubtasks, listDispatchRules, listTimeline, upsertDispatchRule } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import type { CaseCommand, DispatchRule } from '@gridsense/core';
import { createCaseAdmin } from '../admin-service';
import { actOnSubtask } from './cohandle';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from '../testing/case-env';

/**
 * 协办 from the rule list: a department (or a person) the dispatch rule names as co-handler gets
 * its sub-task when the platform dispatches the case by that rule; the desks it names do not.
 */
describe.each(stateDialects())('sub-tasks from the dispatch rule on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const MIN = 60_000;
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /** Rewrites one of the demo's rules (the admin API would do the same through the repository). */
  async function changeRule(id: string, change: Partial<DispatchRule>) {
    const rule = (await listDispatchRules(env.db)).find((r) => r.id === id)!;
    await upsertDispatchRule(
      env.db,
      { ...rule, ...change },
      { id: 'u-admin', name: 'admin' },
      env.clock.now(),
    );
  }

  it('a smoke alarm: the market regulator named by the rule gets a required sub-task, the community desk none', async () => {
    env = await startCaseEnv({ dialect, start: beijing(2026, 3, 10, 10) });
    await changeRule('fire', {
      coHandlers: [{ kind: 'community' }, { kind: 'department', departmentId: 'dept-scjg' }],
      note: '核查消防设施维保记录',
    });
    const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
    const record = await env.record(id);
    expect(record).toMatchObject({ state: 'dispatched', assigneeId: 'u-worker01' });
    expect(record.coHandlerIds).toEqual(['u-sup1', 'u-scjg1']);

    const subtasks = await listCaseSubtasks(env.db, id);
    expect(subtasks).toEqual([
      expect.objectContaining({
        assigneeId: 'u-scjg1',
        departmentId: 'dept-scjg',
        state: 'created',
        required: true,
        task: '核查消防设施维保记录',
        createdById: 'system',
        // One working day, but the case must be resolved within 2 hours: the report is due first.
        dueAt: record.resolveDueAt,
      }),
    ]);
    const added = (await listTimeline(env.db, id)).filter((e) => e.action === 'cohandler_added');
    expect(added).toEqual([
      expect.objectContaining({
        actorId: 'system',
        note: '核查消防设施维保记录',
        data: expect.objectContaining({ assigneeId: 'u-scjg1', ruleId: 'fire', required: true }),
      }),
    ]);

    // The regulator hears what and by when; the desk keeps the dispatch's 协办 notice.
    await env.deliver();
    expect(env.linesFor('u-scjg1')).toEqual([
      '协办：smoke-high 告警（核查消防设施维保记录），请于 03-10 12:00 前反馈',
    ]);
    expect(env.linesFor('u-sup1')).toEqual(['协办：smoke-high 告警']);

    // The lead resolves only once the required report is in.
    const lead = await env.user('worker01');
    const resolve: CaseCommand = {
      action: 'resolve',
      note: '已处置',
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    };
    await env.cases.act(lead, id, { action: 'accept' });
    await expect(env.cases.act(lead, id, resolve)).rejects.toMatchObject({ code: 'invalid_transition' });
    const regulator = await env.user('scjg1');
    await actOnSubtask(env.cases.context, regulator, id, subtasks[0]!.id, { action: 'accept' });
    await actOnSubtask(env.cases.context, regulator, id, subtasks[0]!.id, {
      action: 'report',
      note: '维保记录齐全',
    });
    await env.cases.act(lead, id, resolve);
    expect((await env.record(id)).state).toBe('resolved');
  });

  it('a report the desk registers by hand: the rule dispatches it with its sub-task; a rule without department co-handlers adds none', async () => {
    env = await startCaseEnv({ dialect, start: beijing(2026, 3, 10, 10) });
    const administrator = await env.user('admin');
    await createCaseAdmin({ db: env.db, now: env.clock.now, regions: () => env.cases.regions() }).setCategory(
      administrator,
      {
        key: 'city_appearance',
        level: 'category',
        name: '市容环卫',
        safety: false,
        matches: [],
        autoRegister: false,
      },
    );
    await changeRule('appearance', {
      coHandlers: [{ kind: 'grid_duty' }, { kind: 'user', userId: 'u-scjg1' }],
      note: null,
      coReportsRequired: false,
    });
    const call = {
      title: '居民来电：楼下乱倒垃圾',
      description: '3 号楼后面堆了建筑垃圾',
      category: 'city_appearance',
      subcategory: 'city_appearance.garbage',
      caseType: 'city_appearance.garbage.illegal_dumping',
      severity: 'warning' as const,
      location: null,
      address: '3 号楼',
      callerName: '李四',
      callerPhone: '13912345678',
      gridId: 'G01',
      assigneeId: null,
      overrideNote: null,
    };
    const op = await env.user('op1');
    const { case: view } = await env.cases.hotline(op, call);
    expect(view.state).toBe('reported');
    expect(await listCaseSubtasks(env.db, view.id)).toEqual([]);

    env.clock.advance(5 * MIN);
    const registered = await env.cases.act(op, view.id, { action: 'register' });
    expect(registered.state).toBe('dispatched');
    expect(registered.coHandlerIds).toContain('u-scjg1');
    // The person the rule names owes a report, not required by this rule; the grid co-handles as before.
    expect(await listCaseSubtasks(env.db, view.id)).toEqual([
      expect.objectContaining({
        assigneeId: 'u-scjg1',
        departmentId: null,
        required: false,
        task: '居民来电：楼下乱倒垃圾',
      }),
    ]);

    // With the rule naming only the grid, nobody owes a report.
    const { case: other } = await env.cases.hotline(op, {
      ...call,
      gridId: 'G04',
      callerPhone: '13700001111',
    });
    await changeRule('appearance', { coHandlers: [{ kind: 'grid_duty' }] });
    await env.cases.act(op, other.id, { action: 'register' });
    expect(await listCaseSubtasks(env.db, other.id)).toEqual([]);
  });
});
