import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import type { HotlineEntry } from '@gridsense/core';
import { listAudit, listTimeline } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { acceptTimelineEntries, countRows, failTimelineEntries } from '../testing/failing-entry';
import { CORRIDOR_CALL } from '../testing/hotline-calls';

const MIN = 60_000;
/** The corridor caller again, the number typed another way, about a flooded garage in another street. */
const SAME_CALLER_ELSEWHERE: HotlineEntry = {
  ...CORRIDOR_CALL,
  title: '地下车库进水',
  description: '小区地下车库入口进水',
  category: 'flood',
  subcategory: null,
  caseType: null,
  gridId: 'G07',
  address: null,
  callerPhone: '+86 139-0000-1111',
};
/** Another caller about the same kind of thing in the same grid. */
const NEIGHBOUR_SAME_PLACE: HotlineEntry = {
  ...CORRIDOR_CALL,
  title: '消防通道被堵',
  description: '4 号楼消防通道堆放杂物',
  caseType: 'fire_safety.hazard.blocked_exit',
  callerName: '王五',
  callerPhone: '13700002222',
};
/** Nothing in common with the corridor call. */
const UNRELATED: HotlineEntry = {
  ...SAME_CALLER_ELSEWHERE,
  callerName: '赵六',
  callerPhone: '13600003333',
  gridId: 'G04',
};

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /** The corridor call and the others, a minute apart; `voided` is the caller's closed earlier call. */
  async function calls() {
    const op = await env.user('op1');
    const enter = async (call: HotlineEntry) => {
      env.clock.advance(MIN);
      return (await env.cases.hotline(op, call)).caseId;
    };
    const voided = await enter({
      ...CORRIDOR_CALL,
      title: '上周的来电',
      category: 'facility',
      subcategory: null,
      caseType: null,
    });
    await env.cases.act(op, voided, { action: 'void', reason: 'void', note: '来电人已自行解决' });
    const corridor = await enter(CORRIDOR_CALL);
    const elsewhere = await enter(SAME_CALLER_ELSEWHERE);
    const samePlace = await enter(NEIGHBOUR_SAME_PLACE);
    const unrelated = await enter(UNRELATED);
    return { op, voided, corridor, elsewhere, samePlace, unrelated };
  }

  describe('merge candidates (一人多诉 by the caller’s number, 多人一诉 by grid and category)', () => {
    it('lists the same caller’s open cases anywhere and the same grid and category’s, each with why', async () => {
      env = await startCaseEnv({ dialect });
      const { op, corridor, elsewhere, samePlace } = await calls();
      const found = await env.cases.mergeCandidates(op, corridor);
      expect(found.map((c) => [c.id, c.reasons])).toEqual([
        [elsewhere, ['same_caller']],
        [samePlace, ['same_place']],
      ]);
      expect(found[0]).toMatchObject({ title: '地下车库进水', gridId: 'G07', category: 'flood' });
      // No number or name goes out with a candidate.
      expect(JSON.stringify(found)).not.toMatch(/1390000|李四/);
      // The other way round: the flooded garage's caller called about the corridor too.
      expect((await env.cases.mergeCandidates(op, elsewhere)).map((c) => c.id)).toEqual([corridor]);
    });

    it('a community’s desk sees only candidates in its region; a grid worker may not ask', async () => {
      env = await startCaseEnv({ dialect });
      const { corridor, samePlace } = await calls();
      const sup1 = await env.user('sup1');
      expect((await env.cases.mergeCandidates(sup1, corridor)).map((c) => c.id)).toEqual([samePlace]);
      await expect(env.cases.mergeCandidates(await env.user('sup2'), corridor)).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(env.cases.mergeCandidates(await env.user('worker01'), corridor)).rejects.toMatchObject({
        code: 'forbidden',
      });
    });

    it('merging a candidate by caller takes it off the list and keeps one caller on the kept case', async () => {
      env = await startCaseEnv({ dialect });
      const { op, corridor, elsewhere, samePlace } = await calls();
      await env.cases.merge(op, corridor, elsewhere, '同一来电人，同一次来电的两件事，合并处理');
      expect(await env.record(elsewhere)).toMatchObject({ state: 'closed', duplicateOfId: corridor });
      expect((await env.cases.mergeCandidates(op, corridor)).map((c) => c.id)).toEqual([samePlace]);
    });
  });

  describe('a merge is one transaction', () => {
    it('a merge that fails midway leaves both cases as they were, and nobody hears of it', async () => {
      env = await startCaseEnv({ dialect });
      const op = await env.user('op1');
      const call = (await env.cases.hotline(op, CORRIDOR_CALL)).caseId;
      env.clock.advance(2 * MIN);
      const alarm = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      await env.deliver();
      const snapshot = async () => ({
        kept: await env.record(call),
        absorbed: await env.record(alarm),
        keptTimeline: await listTimeline(env.db, call),
        absorbedTimeline: await listTimeline(env.db, alarm),
        requesters: await countRows(env.db, 'case_requesters'),
        notices: await countRows(env.db, 'notification_messages'),
        audit: await countRows(env.db, 'audit_log'),
      });
      const before = await snapshot();

      // The absorbed case's void and the kept case's duplicate link are written before the
      // `merged` entry, which the database refuses.
      await failTimelineEntries(env.db, 'merged');
      env.changed.length = 0;
      env.clock.advance(MIN);
      await expect(env.cases.merge(op, call, alarm, '同一栋楼')).rejects.toThrow('the disk is full');
      expect(await snapshot()).toEqual(before);
      expect(await listAudit(env.db, { entityId: alarm, action: 'case.void', limit: 5 })).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(env.changed).toEqual([]);

      // Once the database takes entries again, the same merge goes through whole.
      await acceptTimelineEntries(env.db);
      await env.cases.merge(op, call, alarm, '同一栋楼');
      expect(await env.record(alarm)).toMatchObject({ state: 'closed', duplicateOfId: call });
      expect((await listTimeline(env.db, call)).map((e) => e.action).slice(-2)).toEqual([
        'duplicate_linked',
        'merged',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(new Set(env.changed.map((c) => c.caseId))).toEqual(new Set([call, alarm]));
    });
  });
});
