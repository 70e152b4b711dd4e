import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { insertDepartment, listDueMessages, setPersonLocale, upsertChannel } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { createCaseAdmin } from './admin-service';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from './testing/case-env';

/**
 * Every notice is rendered when queued, per recipient: a person who chose English reads English,
 * one who did not reads Chinese, and a region's channel reads Chinese. G01 lies in community C1
 * (its desk: u-sup1), G04 in C2 (u-sup2).
 */
describe.each(stateDialects())('notices in the reader’s language on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const MIN = 60_000;
  const ADMIN = { id: 'u-admin', name: '管理员' };
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  const admin = () => createCaseAdmin({ db: env.db, now: env.clock.now, regions: () => env.cases.regions() });
  const gridName = (id: string) => env.cases.regions().find((r) => r.id === id)!.name;
  /** The titles of the in-app notices one person received. */
  const titlesFor = (userId: string) =>
    env.notified.filter((n) => n.userId === userId).map((n) => n.notice.title);

  const hotline = (gridId: string) => ({
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
    gridId,
    assigneeId: null,
    overrideNote: null,
  });

  it('a case nobody can be routed to: its desk is told of the new case, each desk in its language', async () => {
    env = await startCaseEnv({ dialect });
    await setPersonLocale(env.db, 'u-sup1', 'en');
    await insertDepartment(env.db, { id: 'dept-empty', name: '空部门', regionId: 'D1' });
    await admin().setDispatchRule(await env.user('admin'), {
      id: 'traffic',
      match: 'traffic',
      regionId: 'D1',
      lead: { kind: 'department', departmentId: 'dept-empty' },
      coHandlers: [],
      enabled: true,
      note: null,
    });
    const parking = { eventType: 'illegal_parking' };
    await env.risk('camera-G01-4', 'G01', 'camera-parking', 'traffic', 'info', parking);
    await env.risk('camera-G04-4', 'G04', 'camera-parking', 'traffic', 'info', parking);
    await env.deliver();

    expect(env.linesFor('u-sup1')).toEqual(['New case: camera-parking 告警']);
    expect(titlesFor('u-sup1')).toEqual([`camera-parking 告警 (${gridName('G01')})`]);
    expect(env.linesFor('u-sup2')).toEqual(['新事件：camera-parking 告警']);
    expect(titlesFor('u-sup2')).toEqual([`camera-parking 告警（${gridName('G04')}）`]);
  });

  it('a report waiting for 立案, its reminder and its overdue notice: English for one desk, Chinese for the other and for the channel', async () => {
    env = await startCaseEnv({ dialect });
    const administrator = await env.user('admin');
    await setPersonLocale(env.db, 'u-sup1', 'en');
    // 市容 registered by hand, with a 30-minute register clock whose breach notifies.
    await admin().setCategory(administrator, {
      key: 'city_appearance',
      level: 'category',
      name: '市容环卫',
      safety: false,
      matches: [],
      autoRegister: false,
    });
    await admin().setSla(administrator, 'city_appearance.garbage', 'warning', {
      register: '30m',
      dispatch: '1h',
      accept: '30m',
      arrive: '1wd',
      resolve: '3wd',
      repeatEveryMinutes: 30,
      escalateEveryMinutes: 240,
      breach: { register: ['remind'] },
    });
    // The district's robot hears the new cases (it is never sent to here: only what is queued is read).
    const robot = {
      id: 'district-robot',
      kind: 'webhook',
      name: '区指挥中心',
      url: 'http://127.0.0.1:9/unused',
      secret: null,
      regionId: 'D1',
      minSeverity: 'info',
      kinds: ['opened'],
      enabled: true,
    } as const;
    await upsertChannel(env.db, { ...robot, kinds: [...robot.kinds] }, ADMIN, env.clock.now());

    const t0 = env.clock.now();
    const op = await env.user('op1');
    await env.cases.hotline(op, hotline('G01'));
    await env.cases.hotline(op, hotline('G04'));
    const channel = await listDueMessages(env.db, env.clock.now(), 10, 'channel');
    expect(channel.map((m) => m.lines)).toEqual([
      ['待立案：居民来电：楼下乱倒垃圾，请于 03-10 10:30 前立案'],
      ['待立案：居民来电：楼下乱倒垃圾，请于 03-10 10:30 前立案'],
    ]);
    expect(channel.map((m) => m.title)).toEqual([
      `居民来电：楼下乱倒垃圾（${gridName('G01')}）`,
      `居民来电：楼下乱倒垃圾（${gridName('G04')}）`,
    ]);
    // The robot has had what this test reads; switched off, it is not sent to.
    await upsertChannel(env.db, { ...robot, kinds: [...robot.kinds], enabled: false }, ADMIN, t0);

    for (const minutes of [24, 30]) {
      env.clock.set(t0 + minutes * MIN);
      await env.alerts.ticker.tick();
    }
    await env.deliver();
    expect(env.linesFor('u-sup1')).toEqual([
      'To register: 居民来电：楼下乱倒垃圾; register by 03-10 10:30',
      'Registration deadline soon (03-10 10:30)',
      'Registration overdue (deadline 03-10 10:30)',
    ]);
    expect(env.linesFor('u-sup2')).toEqual([
      '待立案：居民来电：楼下乱倒垃圾，请于 03-10 10:30 前立案',
      '立案时限将至（03-10 10:30）',
      '立案已超时（时限 03-10 10:30）',
    ]);
  });
});
