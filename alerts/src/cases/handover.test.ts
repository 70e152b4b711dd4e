import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import {
  insertRosterShift,
  listAudit,
  listTimeline,
  setPersonEnabled,
  setPersonLocale,
  setSetting,
} from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { handOverCases } from './handover';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';

const ADMIN = { id: 'u-admin', name: '管理员' };
const MIN = 60_000;

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /** A fire in G01: the rule list makes its primary worker (u-worker01) lead, the community co-handle. */
  async function fireInG01(device = 'smoke-G01-1') {
    const id = (await env.risk(device, 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
    expect(await env.record(id)).toMatchObject({ state: 'dispatched', assigneeId: 'u-worker01' });
    return id;
  }

  async function handovers(id: string) {
    return (await listTimeline(env.db, id)).filter((e) => e.action === 'handover');
  }

  describe('handing over a disabled worker’s cases', () => {
    it('goes to the backup on duty, with a timeline entry, an audit entry and a notice, once', async () => {
      env = await startCaseEnv({ dialect });
      const id = await fireInG01();
      await setPersonEnabled(env.db, 'u-worker01', false, ADMIN, env.clock.now());

      const request = { userId: 'u-worker01', reason: 'disabled', actor: ADMIN } as const;
      expect(await handOverCases(env.cases.context, request)).toBe(1);
      await env.deliver();
      const record = await env.record(id);
      expect(record).toMatchObject({ state: 'dispatched', assigneeId: 'u-worker02', returnCount: 0 });
      const [entry] = await handovers(id);
      expect(entry).toMatchObject({
        actorId: 'u-admin',
        fromState: 'dispatched',
        toState: 'dispatched',
        data: { reason: 'disabled', role: 'lead', fromUserId: 'u-worker01', toUserId: 'u-worker02' },
      });
      expect(env.linesFor('u-worker02')).toContainEqual(
        expect.stringMatching(/^交接：.*（原承办人 网格员 .+，账号停用）$/),
      );
      const audit = await listAudit(env.db, { action: 'case.handover', entityId: id, limit: 10 });
      expect(audit).toHaveLength(1);

      // Applied once: the person holds nothing any more.
      expect(await handOverCases(env.cases.context, request)).toBe(0);
      expect(await handovers(id)).toHaveLength(1);
      // The new holder can take it on.
      await env.cases.act(await env.user('worker02'), id, { action: 'accept' });
      expect((await env.record(id)).state).toBe('accepted');
    });

    it('goes back to the dispatcher’s desk when nobody else is on duty, without counting a 退单', async () => {
      env = await startCaseEnv({ dialect });
      const id = await fireInG01();
      await setPersonEnabled(env.db, 'u-worker02', false, ADMIN, env.clock.now());
      await setPersonEnabled(env.db, 'u-worker01', false, ADMIN, env.clock.now());
      await handOverCases(env.cases.context, { userId: 'u-worker01', reason: 'disabled', actor: ADMIN });
      await env.deliver();
      expect(await env.record(id)).toMatchObject({ state: 'returned', assigneeId: null, returnCount: 0 });
      expect((await handovers(id))[0]?.data).toMatchObject({ toUserId: null, role: 'lead' });
      // The system dispatched it, so the community's desk re-dispatches.
      expect(env.linesFor('u-sup1')).toContainEqual(expect.stringMatching(/^交接：/));
    });

    it('tells each recipient in their own language (zh-CN unless they chose)', async () => {
      env = await startCaseEnv({ dialect });
      const id = await fireInG01();
      await setPersonLocale(env.db, 'u-worker02', 'en');
      await setPersonEnabled(env.db, 'u-worker01', false, ADMIN, env.clock.now());
      await handOverCases(env.cases.context, { userId: 'u-worker01', reason: 'disabled', actor: ADMIN });
      await env.deliver();
      const title = (await env.record(id)).title;
      expect(env.linesFor('u-worker02')).toContainEqual(
        expect.stringMatching(new RegExp(`^Handed over: ${title} \\(from .+, account disabled\\)$`)),
      );
      expect(env.linesFor('u-worker02').filter((line) => line.startsWith('交接'))).toEqual([]);
    });

    it('passes a co-handler’s place and leaves other grids alone when scoped to one grid', async () => {
      env = await startCaseEnv({ dialect });
      const id = await fireInG01();
      expect((await env.record(id)).coHandlerIds).toEqual(['u-sup1']);
      const moved = await handOverCases(env.cases.context, {
        userId: 'u-sup1',
        reason: 'left_grid',
        actor: ADMIN,
        scope: { kind: 'grid', id: 'G02' },
      });
      expect(moved).toBe(0);
      expect((await env.record(id)).coHandlerIds).toEqual(['u-sup1']);
      await handOverCases(env.cases.context, {
        userId: 'u-sup1',
        reason: 'left_grid',
        actor: ADMIN,
        scope: { kind: 'grid', id: 'G01' },
      });
      // The grid's on-duty primary already leads, so the place lapses rather than doubling up.
      expect(await env.record(id)).toMatchObject({ assigneeId: 'u-worker01', coHandlerIds: [] });
      expect((await handovers(id))[0]?.data).toMatchObject({
        role: 'co',
        toUserId: null,
        reason: 'left_grid',
      });
    });
  });

  it('sends the dispatch and the repeat-until-accepted in the reader’s language', async () => {
    env = await startCaseEnv({ dialect });
    await setPersonLocale(env.db, 'u-worker01', 'en');
    const t0 = env.clock.now();
    await fireInG01();
    env.clock.set(t0 + 3 * MIN);
    await env.alerts.ticker.tick();
    await env.deliver();
    expect(env.linesFor('u-worker01')).toEqual([
      'Dispatched to you: smoke-high 告警; accept by 03-10 10:05',
      'Still not accepted: please accept it',
    ]);
    expect(env.linesFor('u-worker01')).not.toContain('仍未签收，请尽快签收');
  });

  describe('a roster shift ending (the ticker, on a fake clock)', () => {
    /** Morning 08–12 for worker01, afternoon 12–18 for worker02, every day, in G01. */
    async function rosterG01() {
      const every = [1, 2, 3, 4, 5, 6, 7];
      const base = { scopeKind: 'grid', scopeId: 'G01', duty: 'primary', weekdays: every } as const;
      const now = env.clock.now();
      await insertRosterShift(
        env.db,
        { ...base, userId: 'u-worker01', startMinute: 480, endMinute: 720 },
        ADMIN,
        now,
      );
      await insertRosterShift(
        env.db,
        { ...base, userId: 'u-worker02', startMinute: 720, endMinute: 1080 },
        ADMIN,
        now,
      );
    }

    it('hands the morning worker’s open case to the afternoon worker once the shift is over', async () => {
      env = await startCaseEnv({ dialect }); // 10:00 Beijing
      await rosterG01();
      const t0 = env.clock.now();
      const id = await fireInG01();
      await env.cases.act(await env.user('worker01'), id, { action: 'accept' });
      await env.alerts.ticker.tick(); // the first pass only notes where it stands

      env.clock.set(t0 + 119 * MIN);
      await env.alerts.ticker.tick();
      expect((await env.record(id)).assigneeId).toBe('u-worker01');

      env.clock.set(t0 + 121 * MIN); // 12:01
      await env.alerts.ticker.tick();
      await env.deliver();
      expect(await env.record(id)).toMatchObject({ state: 'accepted', assigneeId: 'u-worker02' });
      const [entry] = await handovers(id);
      expect(entry).toMatchObject({
        actorId: 'system',
        data: { reason: 'shift_ended', fromUserId: 'u-worker01', toUserId: 'u-worker02' },
      });
      expect(env.linesFor('u-worker02')).toContainEqual(expect.stringMatching(/班次结束）$/));

      env.clock.set(t0 + 130 * MIN);
      await env.alerts.ticker.tick();
      expect(await handovers(id)).toHaveLength(1);
    });

    it('acts on an end missed while stopped, from the stored watermark', async () => {
      env = await startCaseEnv({ dialect });
      await rosterG01();
      const t0 = env.clock.now();
      const id = await fireInG01();
      await setSetting(env.db, 'case_handover.shifts_checked_at', String(t0));
      env.clock.set(t0 + 200 * MIN);
      await env.alerts.ticker.tick();
      expect((await env.record(id)).assigneeId).toBe('u-worker02');
    });
  });
});
