import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { findUserById, listTimeline } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { createCaseAdmin } from '../admin-service';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { registerAutomatically } from '../testing/auto-register';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const MIN = 60_000;
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /** Moves the fake clock to `minutes` after `start` and runs one ticker pass. */
  async function at(start: number, minutes: number) {
    env.clock.set(start + minutes * MIN);
    const acted = await env.alerts.ticker.tick();
    await env.deliver();
    return acted;
  }

  const hotline = () => ({
    title: '居民来电：楼下乱倒垃圾',
    description: '3 号楼后面堆了建筑垃圾',
    category: 'city_appearance',
    subcategory: 'city_appearance.garbage',
    caseType: 'city_appearance.garbage.illegal_dumping',
    severity: 'warning' as const,
    location: null,
    address: '江城社区 3 号楼',
    callerName: '李四',
    callerPhone: '13912345678',
    gridId: 'G01',
    assigneeId: null,
    overrideNote: null,
  });

  /**
   * 市容 registered by hand; a garbage row (more specific than the category's) with a 30-minute
   * register clock whose breach notifies and supervises, and a 1-hour dispatch clock whose breach
   * notifies and escalates.
   */
  async function configure() {
    const admin = createCaseAdmin({ db: env.db, now: env.clock.now, regions: () => env.cases.regions() });
    const administrator = await env.user('admin');
    await admin.setCategory(administrator, {
      key: 'city_appearance',
      level: 'category',
      name: '市容环卫',
      safety: false,
      matches: [],
      autoRegister: false,
    });
    await admin.setSla(administrator, 'city_appearance.garbage', 'warning', {
      register: '30m',
      dispatch: '1h',
      accept: '30m',
      arrive: '1wd',
      resolve: '3wd',
      repeatEveryMinutes: 30,
      escalateEveryMinutes: 240,
      breach: { register: ['remind', 'supervise'], dispatch: ['remind', 'escalate'] },
    });
  }

  const timelineActions = async (id: string) => (await listTimeline(env.db, id)).map((e) => e.action);

  it('a hotline report of a by-hand category waits for 立案 on its clock; its breach notifies and supervises once', async () => {
    env = await startCaseEnv({ dialect });
    await configure();
    const t0 = env.clock.now();
    const { case: view } = await env.cases.hotline(await env.user('op1'), hotline());
    expect(view).toMatchObject({ state: 'reported', assigneeId: null, registerDueAt: t0 + 30 * MIN });
    await env.deliver();
    expect(env.linesFor('u-sup1')).toEqual([
      expect.stringMatching(/^待立案：居民来电：楼下乱倒垃圾，请于 03-10 10:30 前立案$/),
    ]);

    expect(await at(t0, 23)).toBe(0);
    expect(await at(t0, 24)).toBe(1); // a fifth of the 30 minutes ahead
    expect(env.linesFor('u-sup1')).toContain('立案时限将至（03-10 10:30）');

    expect(await at(t0, 30)).toBe(1);
    expect(await env.record(view.id)).toMatchObject({
      supervisedById: 'system',
      supervisionReason: 'register_overdue',
      breachActed: ['register'],
      // The register breach was set to notify and supervise, not to escalate.
      escalationLevel: 'grid',
    });
    expect(env.linesFor('u-sup1')).toContain('立案已超时（时限 03-10 10:30）');
    const after = await timelineActions(view.id);
    expect(after.filter((a) => a === 'overdue_notice' || a === 'supervise')).toEqual([
      'overdue_notice',
      'supervise',
    ]);

    // Never twice: later passes owe nothing, even with the 督办 lifted by a supervisor.
    await env.cases.act(await env.user('admin'), view.id, { action: 'unsupervise' });
    expect(await at(t0, 90)).toBe(0);
    expect(
      (await timelineActions(view.id)).filter((a) => a === 'overdue_notice' || a === 'supervise'),
    ).toHaveLength(2);
  });

  it('registering routes the case; a return starts the dispatch clock, whose breach notifies and escalates once', async () => {
    env = await startCaseEnv({ dialect });
    await configure();
    const t0 = env.clock.now();
    const { case: view } = await env.cases.hotline(await env.user('op1'), hotline());
    env.clock.set(t0 + 5 * MIN);
    const registered = await env.cases.act(await env.user('op1'), view.id, { action: 'register' });
    // The rule list routes 市容 to 城管 at once: no dispatch clock left running.
    expect(registered).toMatchObject({ state: 'dispatched', registerDueAt: null, dispatchDueAt: null });
    expect(await timelineActions(view.id)).toEqual(['report', 'register', 'dispatch']);

    const handler = await findUserById(env.db, registered.assigneeId!);
    const { passwordHash: _hash, ...handlerUser } = handler!;
    env.clock.set(t0 + 10 * MIN);
    await env.cases.act(handlerUser, view.id, { action: 'return', reason: 'not_my_duty' });
    expect(await env.record(view.id)).toMatchObject({
      state: 'returned',
      awaitingDispatchSince: t0 + 10 * MIN,
      dispatchDueAt: t0 + 70 * MIN,
    });

    expect(await at(t0, 57)).toBe(0);
    expect(await at(t0, 58)).toBe(1); // the dispatch reminder, 12 minutes ahead
    expect(await at(t0, 70)).toBe(1);
    expect(await env.record(view.id)).toMatchObject({
      escalationLevel: 'community',
      breachActed: ['dispatch'],
      supervisedAt: null,
    });
    expect(env.linesFor('u-sup1')).toEqual(
      expect.arrayContaining(['派遣已超时（时限 03-10 11:10）', '已升级至社区：派遣超时']),
    );
    expect(await at(t0, 71)).toBe(0);
    const actions = await timelineActions(view.id);
    expect(actions.filter((a) => a === 'overdue_notice')).toHaveLength(1);
    expect(actions.filter((a) => a === 'escalate')).toHaveLength(1);
  });

  it('a category set to register automatically dispatches at once', async () => {
    env = await startCaseEnv({ dialect });
    await registerAutomatically(env.db, env.clock.now(), 'city_appearance');
    const { case: view } = await env.cases.hotline(await env.user('op1'), hotline());
    expect(view).toMatchObject({ state: 'dispatched', registerDueAt: null });
  });
});
