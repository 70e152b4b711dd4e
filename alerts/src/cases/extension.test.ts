import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { addWorkingMs, workingDayMs } from '@gridsense/core';
import { getWorkCalendar } from '@gridsense/state';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const MIN = 60_000;
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /** A smoke case in G01 (seed: fire_safety × critical, repeat every 3 min), dispatched to worker01. */
  async function smokeCase(): Promise<string> {
    return (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
  }

  describe('延期', () => {
    it('approval by the level above moves the resolve deadline by N working days; both on the timeline', async () => {
      env = await startCaseEnv({ dialect });
      const id = await smokeCase();
      const worker = await env.user('worker01');
      const sup = await env.user('sup1');
      env.clock.advance(2 * MIN);
      await env.cases.act(worker, id, { action: 'accept' });
      const before = (await env.record(id)).resolveDueAt!;

      await env.cases.act(worker, id, { action: 'request_extension', days: 2, reason: '等待物业提供钥匙' });
      // Waiting: the deadline has not moved, and the requester cannot grant it to themselves.
      expect(await env.record(id)).toMatchObject({
        resolveDueAt: before,
        extensionRequest: { days: 2, reason: '等待物业提供钥匙', requestedById: 'u-worker01' },
      });
      await expect(env.cases.act(worker, id, { action: 'approve_extension' })).rejects.toMatchObject({
        code: 'forbidden',
      });

      env.clock.advance(MIN);
      await env.cases.act(sup, id, { action: 'approve_extension' });
      const calendar = await getWorkCalendar(env.db);
      const moved = addWorkingMs(before, 2 * workingDayMs(calendar), calendar);
      expect(moved).toBeGreaterThan(before + 24 * 3_600_000);
      expect(await env.record(id)).toMatchObject({ resolveDueAt: moved, extensionRequest: null });

      const timeline = (await env.cases.detail(sup, id)).timeline.slice(-2);
      expect(timeline).toMatchObject([
        { action: 'request_extension', actorId: 'u-worker01', note: '等待物业提供钥匙', data: { days: 2 } },
        {
          action: 'approve_extension',
          actorId: 'u-sup1',
          data: { days: 2, fromDueAt: before, toDueAt: moved },
        },
      ]);
    });

    it('a refusal needs a reason, keeps the deadline and is on the timeline', async () => {
      env = await startCaseEnv({ dialect });
      const id = await smokeCase();
      const worker = await env.user('worker01');
      const sup = await env.user('sup1');
      await env.cases.act(worker, id, { action: 'accept' });
      const before = (await env.record(id)).resolveDueAt;
      await env.cases.act(worker, id, { action: 'request_extension', days: 1, reason: '材料未到' });
      await expect(
        env.cases.act(sup, id, { action: 'refuse_extension', reason: '  ' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await env.cases.act(sup, id, { action: 'refuse_extension', reason: '可先临时处置' });
      expect(await env.record(id)).toMatchObject({ resolveDueAt: before, extensionRequest: null });
      expect((await env.cases.detail(sup, id)).timeline.at(-1)).toMatchObject({
        action: 'refuse_extension',
        note: '可先临时处置',
      });
    });
  });

  describe('督办', () => {
    it('a supervised case is reminded at half the interval; lifting it restores the SLA interval', async () => {
      env = await startCaseEnv({ dialect });
      const t0 = env.clock.now();
      const id = await smokeCase();
      const sup = await env.user('sup1');
      await env.cases.act(sup, id, { action: 'supervise', reason: '领导批示重点跟踪' });
      expect(await env.record(id)).toMatchObject({
        supervisedAt: t0,
        supervisedById: 'u-sup1',
        supervisionReason: '领导批示重点跟踪',
      });
      expect((await env.cases.detail(sup, id)).timeline.at(-1)).toMatchObject({
        action: 'supervise',
        note: '领导批示重点跟踪',
      });

      // Unsupervised the first repeat is at 3 min (ticker.test.ts); supervised at 1.5.
      env.clock.set(t0 + 1.5 * MIN);
      expect(await env.alerts.ticker.tick()).toBe(1);
      await env.deliver();
      expect(env.linesFor('u-worker01')).toContain('仍未签收，请尽快签收');

      await env.cases.act(sup, id, { action: 'unsupervise' });
      expect(await env.record(id)).toMatchObject({ supervisedAt: null, supervisedById: null });
      // Back on the SLA's 3 min: the next repeat is not owed 1.5 min after the last.
      env.clock.set(t0 + 3 * MIN);
      expect(await env.alerts.ticker.tick()).toBe(0);
    });

    it('only supervisors put a case under supervision', async () => {
      env = await startCaseEnv({ dialect });
      const id = await smokeCase();
      for (const name of ['worker01', 'op1'])
        await expect(
          env.cases.act(await env.user(name), id, { action: 'supervise', reason: '催一下' }),
        ).rejects.toMatchObject({ code: 'forbidden' });
    });

    it('a supervisor of another community who co-handles the case sees it, but neither supervises it nor decides its 延期', async () => {
      env = await startCaseEnv({ dialect });
      const id = await smokeCase();
      const [op, worker, sup1, sup3] = [
        await env.user('op1'),
        await env.user('worker01'),
        await env.user('sup1'),
        await env.user('sup3'),
      ];
      // sup3 leads another street's community; the operator adds them to G01's case.
      await env.cases.act(op, id, { action: 'dispatch', assigneeId: 'u-worker01', coHandlerIds: ['u-sup3'] });
      await env.cases.act(worker, id, { action: 'accept' });
      await env.cases.act(worker, id, { action: 'request_extension', days: 1, reason: '需协调物业' });
      expect((await env.cases.detail(sup3, id)).case.id).toBe(id);
      for (const command of [
        { action: 'supervise', reason: '越权督办' },
        { action: 'approve_extension' },
        { action: 'refuse_extension', reason: '越权' },
      ] as const)
        await expect(env.cases.act(sup3, id, command)).rejects.toMatchObject({ code: 'forbidden' });
      // The community's own supervisor may.
      await env.cases.act(sup1, id, { action: 'approve_extension' });
      await env.cases.act(sup1, id, { action: 'supervise', reason: '久拖未办' });
      expect(await env.record(id)).toMatchObject({ extensionRequest: null, supervisedById: 'u-sup1' });
    });
  });
});
