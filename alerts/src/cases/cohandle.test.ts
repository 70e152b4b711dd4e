import { stateDialects } from '@gridsense/state/testing';
import { findSubtask, listCaseSubtasks, listDispatchRules, upsertDispatchRule } from '@gridsense/state';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actOnSubtask, addCoHandler, listMySubtasks } from './cohandle';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from '../testing/case-env';

describe.each(stateDialects())('协办 on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const HOUR = 3_600_000;
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /** A smoke case in G01, dispatched to worker01 and accepted, on a Tuesday at 10:00. */
  async function acceptedCase(): Promise<string> {
    env = await startCaseEnv({ dialect, start: beijing(2026, 3, 10, 10) });
    const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
    await env.cases.act(await env.user('worker01'), id, { action: 'accept' });
    return id;
  }

  it('the co-handler is reminded a fifth ahead and told once when overdue; the lead hears it too', async () => {
    const id = await acceptedCase();
    const lead = await env.user('worker01');
    const ctx = env.cases.context;
    // One working day: 7 working hours, Tuesday 10:00 → Wednesday 10:00; reminded 1.4 h ahead.
    await addCoHandler(ctx, lead, id, {
      assigneeId: 'u-cgj1',
      departmentId: null,
      task: '清理消防通道杂物',
      days: 1,
      required: null,
    });
    const [subtask] = await listCaseSubtasks(env.db, id);
    expect(subtask).toMatchObject({ state: 'created', required: true, dueAt: beijing(2026, 3, 11, 10) });
    await env.alerts.ticker.tick();
    expect((await findSubtask(env.db, subtask!.id))!.remindedAt).toBeNull();

    env.clock.advance(beijing(2026, 3, 11, 9) - env.clock.now());
    await env.alerts.ticker.tick();
    expect((await findSubtask(env.db, subtask!.id))!.remindedAt).toBe(env.clock.now());
    await env.deliver();
    expect(env.linesFor('u-cgj1').some((line) => line.startsWith('协办反馈时限将至'))).toBe(true);

    env.clock.advance(2 * HOUR);
    await env.alerts.ticker.tick();
    await env.alerts.ticker.tick();
    await env.deliver();
    expect((await findSubtask(env.db, subtask!.id))!.overdueAt).not.toBeNull();
    expect(env.linesFor('u-worker01').filter((line) => line.startsWith('协办反馈超时'))).toHaveLength(1);
    const timeline = (await env.cases.detail(lead, id)).timeline.map((e) => e.action);
    expect(timeline.filter((a) => a.startsWith('subtask_'))).toEqual(['subtask_reminded', 'subtask_overdue']);
  });

  it('a department co-handles through its on-duty handler; once reported the clock stops and the lead resolves', async () => {
    const id = await acceptedCase();
    const lead = await env.user('worker01');
    const ctx = env.cases.context;
    await addCoHandler(ctx, lead, id, {
      assigneeId: null,
      departmentId: 'dept-cgj',
      task: '清理消防通道杂物',
      days: 2,
      required: null,
    });
    const [subtask] = await listCaseSubtasks(env.db, id);
    expect(['u-cgj1', 'u-cgj2']).toContain(subtask!.assigneeId);
    expect(subtask!.departmentId).toBe('dept-cgj');
    const coHandler = await env.user(subtask!.assigneeId === 'u-cgj1' ? 'cgj1' : 'cgj2');
    expect((await listMySubtasks(ctx, coHandler)).map((s) => s.caseId)).toEqual([id]);

    await expect(
      env.cases.act(lead, id, { action: 'resolve', note: '已处置', photos: ['/api/photos/x.jpg'] }),
    ).rejects.toMatchObject({ code: 'invalid_transition' });
    await actOnSubtask(ctx, coHandler, id, subtask!.id, { action: 'accept' });
    await actOnSubtask(ctx, coHandler, id, subtask!.id, { action: 'report', note: '杂物已清理' });
    expect(await listMySubtasks(ctx, coHandler)).toEqual([]);
    env.clock.advance(30 * 24 * HOUR);
    await env.alerts.ticker.tick();
    expect((await findSubtask(env.db, subtask!.id))!.overdueAt).toBeNull();
    await env.cases.act(lead, id, {
      action: 'resolve',
      note: '已处置',
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    });
    expect((await env.record(id)).state).toBe('resolved');
  });

  it('a co-handler keeps sight of the case after a re-dispatch drops them from its co-handlers', async () => {
    const id = await acceptedCase();
    const ctx = env.cases.context;
    await addCoHandler(ctx, await env.user('worker01'), id, {
      assigneeId: 'u-scjg1',
      departmentId: null,
      task: '核查电梯维保记录',
      days: 1,
      required: false,
    });
    expect((await env.record(id)).coHandlerIds).toContain('u-scjg1');
    await env.cases.act(await env.user('worker01'), id, { action: 'return', reason: 'not_my_duty' });
    expect((await env.record(id)).coHandlerIds).toEqual([]);
    const detail = await env.cases.detail(await env.user('scjg1'), id);
    expect(detail.case.id).toBe(id);
  });

  it("takes the dispatch rule's setting: a rule that does not require reports lets the lead resolve", async () => {
    const id = await acceptedCase();
    const fire = (await listDispatchRules(env.db)).find((rule) => rule.id === 'fire')!;
    await upsertDispatchRule(
      env.db,
      { ...fire, coReportsRequired: false },
      { id: 'u-admin', name: 'admin' },
      env.clock.now(),
    );
    const lead = await env.user('worker01');
    const [subtask] = await addCoHandler(env.cases.context, lead, id, {
      assigneeId: 'u-cgj1',
      departmentId: null,
      task: '清理消防通道杂物',
      days: 1,
      required: null,
    });
    expect(subtask).toMatchObject({ required: false, state: 'created' });
    await env.cases.act(lead, id, {
      action: 'resolve',
      note: '已处置',
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    });
    expect((await env.record(id)).state).toBe('resolved');
  });
});
