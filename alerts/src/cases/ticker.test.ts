import { sql } from 'kysely';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { listCasesDueForCheck, listTimeline } from '@gridsense/state';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { stateDialects } from '@gridsense/state/testing';

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

  // fire_safety × critical (seed): accept 5 min, arrive 15 min, resolve 2 h; repeat every 3, escalate every 10.
  describe('the deadline ticker (fake clock)', () => {
    it('reminds, repeats until accepted, then escalates grid → community → street → district', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now();
      const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      expect((await env.record(id)).acceptDueAt).toBe(t0 + 5 * MIN);

      expect(await at(t0, 2)).toBe(0);
      expect(await at(t0, 3)).toBe(1); // repeat (3 min after the dispatch notice)
      expect(await at(t0, 4)).toBe(1); // accept reminder (a fifth of 5 min before, at least a minute)
      expect(env.linesFor('u-worker01')).toEqual([
        expect.stringMatching(/^已派遣：smoke-high 告警，请于 03-10 10:05 前签收$/),
        '仍未签收，请尽快签收',
        '签收时限将至（03-10 10:05）',
      ]);

      expect(await at(t0, 5)).toBe(1); // accept breached → community
      expect(await env.record(id)).toMatchObject({ escalationLevel: 'community', escalatedAt: t0 + 5 * MIN });
      expect(env.linesFor('u-sup1')).toContain('已升级至社区：签收超时');
      expect(await at(t0, 14)).toBe(1); // only the repeat at 6, 9, 12 … nothing else owed yet
      expect(await at(t0, 15)).toBe(1); // 10 min after the first escalation → street
      expect((await env.record(id)).escalationLevel).toBe('street');
      expect(env.linesFor('u-street1')).toContain('已升级至街道：签收超时');
      await at(t0, 25);
      expect((await env.record(id)).escalationLevel).toBe('district');
      expect(env.linesFor('u-op1')).toContain('已升级至区指挥中心：签收超时');

      const actions = (await listTimeline(env.db, id)).map((e) => e.action);
      expect(actions.filter((a) => a === 'escalate')).toHaveLength(3);
      expect(actions.filter((a) => a === 'remind')).toEqual(['remind']);
      // Nothing higher than the district: later passes only repeat.
      await at(t0, 60);
      expect((await listTimeline(env.db, id)).filter((e) => e.action === 'escalate')).toHaveLength(3);
    });

    it('keeps a reminder and its notice together: one that cannot be queued is not recorded either', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now();
      const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      await at(t0, 3); // the repeat
      // The outbox fails as the reminder is owed (as a crash between the two writes once lost it).
      await sql`ALTER TABLE notification_messages RENAME TO notification_messages_away`.execute(env.db);
      expect(await at(t0, 4)).toBe(0);
      expect(env.errors).not.toEqual([]);
      expect((await listTimeline(env.db, id)).map((e) => e.action)).not.toContain('remind');
      expect((await env.record(id)).remindedClocks).toEqual([]);

      await sql`ALTER TABLE notification_messages_away RENAME TO notification_messages`.execute(env.db);
      env.errors.length = 0;
      expect(await at(t0, 4.5)).toBe(1);
      expect((await listTimeline(env.db, id)).filter((e) => e.action === 'remind')).toHaveLength(1);
      expect(env.linesFor('u-worker01').filter((line) => line.startsWith('签收时限将至'))).toHaveLength(1);
    });

    it('acceptance stops the repeats; the resolve reminder comes a fifth of the window ahead', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now();
      const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      env.clock.set(t0 + MIN);
      await env.cases.act(await env.user('worker01'), id, { action: 'accept' });
      await env.cases.act(await env.user('worker01'), id, { action: 'arrive' });
      expect(await at(t0, 20)).toBe(0);
      expect(await at(t0, 96)).toBe(1);
      expect(env.linesFor('u-worker01').at(-1)).toBe('办结时限将至（03-10 12:00）');
      expect(await at(t0, 100)).toBe(0);
    });

    it('is restart-safe: a new service on the same database neither loses nor repeats a timer', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now();
      const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      await at(t0, 4); // repeat and reminder are out
      const db = env.db;
      await env.stop({ keepDb: true });

      env = await startCaseEnv({ dialect, db, start: t0 + 4 * MIN });
      expect(await env.alerts.ticker.tick()).toBe(0); // nothing owed twice
      expect(await at(t0, 5)).toBe(1); // the breach is still watched after the "restart"
      const timeline = await listTimeline(env.db, id);
      expect(timeline.filter((e) => e.action === 'remind')).toHaveLength(1);
      expect(timeline.filter((e) => e.action === 'escalate')).toHaveLength(1);
    });

    it('a case paused while waiting on a department makes no noise, and its clocks move on by the pause', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now();
      const id = (await env.risk('gas-G01-5', 'G01', 'gas-leak', 'gas_safety', 'critical'))!.caseId;
      const worker = await env.user('worker01');
      await env.cases.act(worker, id, { action: 'accept' });
      const before = await env.record(id);
      env.clock.set(t0 + 10 * MIN);
      await env.cases.act(worker, id, { action: 'pause', reason: '等待燃气公司关闭总阀' });
      expect(await listCasesDueForCheck(env.db, t0 + 10 * 24 * 60 * MIN, 10)).toEqual([]);
      expect(await at(t0, 600)).toBe(0);
      env.clock.set(t0 + 610 * MIN);
      await env.cases.act(worker, id, { action: 'resume' });
      const after = await env.record(id);
      expect(after.arriveDueAt).toBe(before.arriveDueAt! + 600 * MIN);
      expect(after.resolveDueAt).toBe(before.resolveDueAt! + 600 * MIN);
      expect(await listTimeline(env.db, id).then((t) => t.filter((e) => e.action === 'escalate'))).toEqual(
        [],
      );
    });

    it('a working-day deadline is computed on the calendar and reminded the working day before', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now(); // Tuesday 2026-03-10 10:00
      const op = await env.user('op1');
      const { case: reported } = await env.cases.hotline(op, {
        title: '夜间施工扰民',
        description: '工地夜间施工噪声大',
        category: 'construction',
        subcategory: 'construction.illegal_construction',
        caseType: 'construction.illegal_construction.night_work',
        severity: 'info',
        location: null,
        address: null,
        callerName: '李四',
        callerPhone: '13900001111',
        gridId: 'G03',
        assigneeId: null,
        overrideNote: null,
      });
      // 违法建设 waits for 立案: the desk registers it at once and the rule list routes it.
      const view = await env.cases.act(op, reported.id, { action: 'register' });
      // info × construction: resolve within 15 working days of 7 h → Tue 2026-03-31 10:00 (no holidays then).
      expect(new Date(view.resolveDueAt!).toISOString()).toBe('2026-03-31T02:00:00.000Z');
      const handler = await env.user(view.assigneeId === 'u-cgj1' ? 'cgj1' : 'cgj2');
      await env.cases.act(handler, view.id, { action: 'accept' });
      await env.cases.act(handler, view.id, { action: 'arrive' });
      const dayBefore = (view.resolveDueAt! - t0) / MIN - 24 * 60;
      expect(await at(t0, dayBefore - 1)).toBe(0);
      expect(await at(t0, dayBefore)).toBe(1);
      expect(env.linesFor(handler.id).at(-1)).toBe('办结时限将至（03-31 10:00）');
    });
  });
});
