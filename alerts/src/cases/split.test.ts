import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import type { CaseSplit } from '@gridsense/core';
import { listAudit, listRequesters, listTimeline } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { acceptTimelineEntries, countRows, failTimelineEntries } from '../testing/failing-entry';
import { CORRIDOR_CALL } from '../testing/hotline-calls';

const MIN = 60_000;
/** The corridor caller also said the stairwell light is broken: a facility matter of its own. */
const LIGHT: CaseSplit = {
  title: '楼道灯不亮',
  description: '3 号楼 2 单元楼道灯损坏，夜间漆黑',
  category: 'facility',
  subcategory: null,
  caseType: null,
  severity: 'info',
  note: '来电人一次反映了两件事',
};

/** The corridor call's own title and classification: not another matter. */
const SAME_MATTER: Partial<CaseSplit> = {
  title: CORRIDOR_CALL.title,
  category: CORRIDOR_CALL.category,
  subcategory: CORRIDOR_CALL.subcategory,
  caseType: CORRIDOR_CALL.caseType,
};

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  async function corridorCall() {
    const op = await env.user('op1');
    const { caseId } = await env.cases.hotline(op, CORRIDOR_CALL);
    env.clock.advance(MIN);
    return { op, caseId };
  }

  describe('an operator splits a case that holds two matters (拆分)', () => {
    it('the other matter opens as a hotline case does, with the same place, reporter and caller; both timelines say so', async () => {
      env = await startCaseEnv({ dialect });
      const { op, caseId } = await corridorCall();
      const before = await env.record(caseId);
      const { original, created } = await env.cases.split(op, caseId, LIGHT);

      // A hotline report of a non-safety category waits for 立案 by the desk, on its clock.
      expect(created).toMatchObject({
        title: '楼道灯不亮',
        category: 'facility',
        severity: 'info',
        source: 'hotline',
        state: 'reported',
        gridId: 'G01',
        address: '江城社区 3 号楼 2 单元',
        requester: { name: '李*', phone: '139****1111', masked: true },
      });
      expect((await env.record(created.id)).reporterId).toBe('u-op1');
      expect((await env.record(created.id)).registerDueAt).not.toBeNull();
      expect(await listRequesters(env.db, created.id)).toEqual([
        expect.objectContaining({ name: '李四', phone: '13900001111' }),
      ]);
      // The original goes on as it was: same state, handler and matter.
      expect(original).toMatchObject({ id: caseId, state: before.state, title: '楼道堆物' });
      expect(await env.record(caseId)).toMatchObject({
        assigneeId: before.assigneeId,
        category: 'fire_safety',
      });

      const split = (await listTimeline(env.db, caseId)).at(-1)!;
      expect(split).toMatchObject({
        action: 'split',
        actorId: 'u-op1',
        note: LIGHT.note,
        data: { caseId: created.id, title: '楼道灯不亮', category: 'facility', severity: 'info' },
      });
      const timeline = await listTimeline(env.db, created.id);
      expect(timeline.map((e) => e.action)).toEqual(['report', 'split_from']);
      expect(timeline[0]).toMatchObject({ actorId: 'u-op1', data: { splitFrom: caseId } });
      expect(timeline[1]).toMatchObject({ actorId: 'u-op1', data: { caseId, title: '楼道堆物' } });
      expect((await listAudit(env.db, { entityId: caseId, action: 'case.split', limit: 5 })).length).toBe(1);
      // Same caller, so each lists the other as a merge candidate, should the desk think again.
      expect((await env.cases.mergeCandidates(op, created.id)).map((c) => [c.id, c.reasons])).toEqual([
        [caseId, ['same_caller']],
      ]);
    });

    it('a safety matter split off is registered and dispatched at once by the rule list, as its channel does', async () => {
      env = await startCaseEnv({ dialect });
      const { op, caseId } = await corridorCall();
      const { created } = await env.cases.split(op, caseId, {
        ...LIGHT,
        title: '楼道有燃气味',
        description: '2 单元楼道有燃气味',
        category: 'gas_safety',
        severity: 'critical',
      });
      expect(created).toMatchObject({ state: 'dispatched', severity: 'critical' });
      expect(created.assigneeId).not.toBeNull();
      expect((await listTimeline(env.db, created.id)).map((e) => e.action)).toEqual([
        'report',
        'register',
        'dispatch',
        'split_from',
      ]);
    });

    it('a sensor’s case split in two: the new matter is not the sensor’s alarm', async () => {
      env = await startCaseEnv({ dialect });
      const alarm = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      const { created } = await env.cases.split(await env.user('op1'), alarm, LIGHT);
      expect(await env.record(created.id)).toMatchObject({
        source: 'auto',
        deviceId: null,
        riskActive: false,
        reporterId: null,
      });
      expect(await env.record(alarm)).toMatchObject({ deviceId: 'smoke-G01-1', riskActive: true });
    });

    it.each<[string, string, (ids: { open: string; closed: string }) => string, Partial<CaseSplit>, string]>([
      ['a grid worker may not split', 'worker01', ({ open }) => open, {}, 'forbidden'],
      ['a case outside the person’s region', 'sup2', ({ open }) => open, {}, 'not_found'],
      ['an unknown case', 'op1', () => 'C-nope', {}, 'not_found'],
      ['a closed case', 'op1', ({ closed }) => closed, {}, 'validation_failed'],
      ['into the same matter', 'op1', ({ open }) => open, SAME_MATTER, 'validation_failed'],
      ['into an unknown category', 'op1', ({ open }) => open, { category: 'arson' }, 'validation_failed'],
    ])('refused: %s, and nothing is opened', async (_name, username, pick, change, code) => {
      env = await startCaseEnv({ dialect });
      const { op, caseId } = await corridorCall();
      const closed = (await env.cases.hotline(op, { ...CORRIDOR_CALL, title: '另一来电' })).caseId;
      await env.cases.act(op, closed, { action: 'void', reason: 'void', note: '误拨' });
      const cases = await countRows(env.db, 'cases');
      const split = { ...LIGHT, ...change } as CaseSplit;
      await expect(
        env.cases.split(await env.user(username), pick({ open: caseId, closed }), split),
      ).rejects.toMatchObject({ code });
      expect(await countRows(env.db, 'cases')).toBe(cases);
    });
  });

  it('a split that fails midway opens nothing and leaves the original as it was', async () => {
    env = await startCaseEnv({ dialect });
    const { op, caseId } = await corridorCall();
    await env.deliver();
    const snapshot = async () => ({
      original: await env.record(caseId),
      timeline: await listTimeline(env.db, caseId),
      cases: await countRows(env.db, 'cases'),
      requesters: await countRows(env.db, 'case_requesters'),
      notices: await countRows(env.db, 'notification_messages'),
      audit: await countRows(env.db, 'audit_log'),
    });
    const before = await snapshot();
    // The new case and its entries are written before the original's `split` entry, refused here.
    await failTimelineEntries(env.db, 'split');
    env.changed.length = 0;
    await expect(env.cases.split(op, caseId, LIGHT)).rejects.toThrow('the disk is full');
    expect(await snapshot()).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.changed).toEqual([]);

    await acceptTimelineEntries(env.db);
    const { created } = await env.cases.split(op, caseId, LIGHT);
    expect(await countRows(env.db, 'cases')).toBe(before.cases + 1);
    expect((await listTimeline(env.db, caseId)).at(-1)).toMatchObject({
      action: 'split',
      data: { caseId: created.id },
    });
  });
});
