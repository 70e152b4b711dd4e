import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  async function openSmokeCase() {
    const outcome = await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    return outcome!.caseId;
  }

  describe('派单-退单-再次派单: the return loop stays inside the platform', () => {
    it('a return needs the assignee, goes back to the dispatcher’s queue and tells the desk, never sideways', async () => {
      env = await startCaseEnv({ dialect });
      const id = await openSmokeCase();
      await expect(
        env.cases.act(await env.user('worker02'), id, { action: 'return', reason: 'not_my_grid' }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      const returned = await env.cases.act(await env.user('worker01'), id, {
        action: 'return',
        reason: 'needs_department',
        note: '需消防到场',
      });
      expect(returned).toMatchObject({
        state: 'returned',
        assigneeId: null,
        coHandlerIds: [],
        returnCount: 1,
      });
      await env.deliver();
      // Dispatched by the platform, so the return goes to the desk of its level: the community, not another worker.
      const worker = await env.user('worker01');
      expect(env.linesFor('u-sup1')).toContain(`被 ${worker.displayName} 退单（需部门处置），请重新派遣`);
      expect(env.linesFor('u-worker02')).toEqual([]);
      const detail = await env.cases.detail(await env.user('op1'), id);
      expect(detail.timeline.at(-1)).toMatchObject({
        action: 'return',
        note: '需消防到场',
        data: { reason: 'needs_department' },
      });
    });

    it('a case an operator dispatched goes back to that operator', async () => {
      env = await startCaseEnv({ dialect });
      const id = await openSmokeCase();
      const op = await env.user('op2');
      await env.cases.act(await env.user('worker01'), id, { action: 'return', reason: 'not_my_grid' });
      await env.cases.act(op, id, { action: 'dispatch', assigneeId: 'u-worker02', note: '改派 B 角' });
      await env.deliver();
      expect(env.linesFor('u-worker02').some((l) => l.startsWith('已派遣'))).toBe(true);
      const backup = await env.user('worker02');
      await env.cases.act(backup, id, { action: 'return', reason: 'wrong_category' });
      await env.deliver();
      expect(env.linesFor('u-op2')).toContain(`被 ${backup.displayName} 退单（分类错误），请重新派遣`);
      expect(env.linesFor('u-sup1').filter((l) => l.includes('分类错误'))).toEqual([]);
    });

    it('the third return sends the case to the street automatically, and the street is told', async () => {
      env = await startCaseEnv({ dialect, returnLimit: 2 });
      const id = await openSmokeCase();
      const op = await env.user('op1');
      const bounce = async (worker: string) => {
        const user = await env.user(worker);
        return env.cases.act(user, id, { action: 'return', reason: 'not_my_grid' });
      };
      expect(await bounce('worker01')).toMatchObject({ returnCount: 1, escalationLevel: 'grid' });
      // Straight back to who returned it is not the rule list's pick (now worker02): say why.
      await expect(env.cases.act(op, id, { action: 'dispatch', assigneeId: 'u-worker01' })).rejects.toThrow(
        /instead of the suggested u-worker02 needs a reason/,
      );
      await env.cases.act(op, id, { action: 'dispatch', assigneeId: 'u-worker02' });
      expect(await bounce('worker02')).toMatchObject({ returnCount: 2, escalationLevel: 'grid' });
      await env.cases.act(op, id, { action: 'dispatch', assigneeId: 'u-worker01' });
      expect(await bounce('worker01')).toMatchObject({
        returnCount: 3,
        escalationLevel: 'street',
        state: 'returned',
      });
      await env.deliver();
      expect(env.linesFor('u-street1')).toContain('已升级至街道：已退单 3 次');
      // The street desk now dispatches it.
      const street = await env.user('street1');
      expect(await env.cases.act(street, id, { action: 'dispatch', assigneeId: 'u-worker02' })).toMatchObject(
        {
          state: 'dispatched',
        },
      );
    });

    it('a returned case can be re-dispatched; the accept clock starts again, the resolve clock does not', async () => {
      env = await startCaseEnv({ dialect });
      const id = await openSmokeCase();
      const before = await env.record(id);
      env.clock.advance(60_000);
      await env.cases.act(await env.user('worker01'), id, { action: 'return', reason: 'needs_department' });
      env.clock.advance(60_000);
      const again = await env.cases.act(await env.user('op1'), id, {
        action: 'dispatch',
        assigneeId: 'u-fire1',
        note: '需消防部门处置',
      });
      expect(again).toMatchObject({
        departmentId: 'dept-fire',
        dispatcherId: 'u-op1',
        firstDispatchedAt: before.firstDispatchedAt,
      });
      expect(again.acceptDueAt).toBe(env.clock.now() + 5 * 60_000);
      expect(again.resolveDueAt).toBe(before.resolveDueAt);
    });
  });
});
