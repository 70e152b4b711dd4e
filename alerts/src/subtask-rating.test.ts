import { listAudit, listCaseSubtasks, listRegions } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assessRegion } from './assessment-service';
import { actOnSubtask, addCoHandler } from './cases/cohandle';
import { listCohandleRatings, rateSubtask } from './subtask-rating';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from './testing/case-env';

describe.each(stateDialects())('好差评 of 协办 on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  /**
   * A smoke case in G01 led by worker01, with the city management bureau co-handling; its
   * on-duty handler accepts and reports unless told otherwise. Returns the case, the sub-task and
   * the bureau's two handlers (the one co-handling first).
   */
  async function cohandledCase(options: { report: boolean } = { report: true }) {
    env = await startCaseEnv({ dialect, start: beijing(2026, 3, 10, 10) });
    const caseId = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
    const lead = await env.user('worker01');
    await env.cases.act(lead, caseId, { action: 'accept' });
    await addCoHandler(env.cases.context, lead, caseId, {
      assigneeId: null,
      departmentId: 'dept-cgj',
      task: '清理消防通道杂物',
      days: 2,
      required: null,
    });
    const [subtask] = await listCaseSubtasks(env.db, caseId);
    const [coHandler, colleague] =
      subtask!.assigneeId === 'u-cgj1'
        ? [await env.user('cgj1'), await env.user('cgj2')]
        : [await env.user('cgj2'), await env.user('cgj1')];
    if (options.report) {
      await actOnSubtask(env.cases.context, coHandler, caseId, subtask!.id, { action: 'accept' });
      await actOnSubtask(env.cases.context, coHandler, caseId, subtask!.id, {
        action: 'report',
        note: '杂物已清理',
      });
    }
    return { caseId, subtaskId: subtask!.id, lead, coHandler, colleague };
  }

  it('the lead rates the work and the department the request, each on the timeline and audited', async () => {
    const { caseId, subtaskId, lead, coHandler, colleague } = await cohandledCase();
    const ctx = env.cases.context;
    const fire = await env.user('fire1');
    // Another department does not even learn the case is there.
    await expect(
      rateSubtask(ctx, fire, caseId, subtaskId, { side: 'lead', grade: 'poor', comment: null }),
    ).rejects.toMatchObject({ code: 'not_found' });
    // The co-handler does not rate their own work, nor the lead their own request.
    await expect(
      rateSubtask(ctx, coHandler, caseId, subtaskId, { side: 'lead', grade: 'good', comment: null }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      rateSubtask(ctx, lead, caseId, subtaskId, { side: 'cohandler', grade: 'good', comment: null }),
    ).rejects.toMatchObject({ code: 'forbidden' });

    const byLead = await rateSubtask(ctx, lead, caseId, subtaskId, {
      side: 'lead',
      grade: 'good',
      comment: '反馈及时',
    });
    expect(byLead[0]!.ratings).toEqual({
      lead: {
        subtaskId,
        side: 'lead',
        grade: 'good',
        comment: '反馈及时',
        raterId: 'u-worker01',
        raterName: lead.displayName,
        ratedAt: env.clock.now(),
        updatedAt: env.clock.now(),
      },
      cohandler: null,
    });
    // A colleague in the department rates the request back, though the case is not theirs to see.
    const back = await rateSubtask(ctx, colleague, caseId, subtaskId, {
      side: 'cohandler',
      grade: 'fair',
      comment: '任务描述可更具体',
    });
    expect(back[0]!.ratings.cohandler).toMatchObject({ grade: 'fair', raterId: colleague.id });

    const timeline = (await env.cases.detail(lead, caseId)).timeline.filter(
      (e) => e.action === 'subtask_rated',
    );
    expect(timeline.map((e) => [e.actorId, e.note, e.data])).toEqual([
      [
        'u-worker01',
        '反馈及时',
        {
          subtaskId,
          side: 'lead',
          grade: 'good',
          assigneeId: coHandler.id,
          departmentId: 'dept-cgj',
          changed: false,
        },
      ],
      [
        colleague.id,
        '任务描述可更具体',
        {
          subtaskId,
          side: 'cohandler',
          grade: 'fair',
          assigneeId: coHandler.id,
          departmentId: 'dept-cgj',
          changed: false,
        },
      ],
    ]);
    const audited = await listAudit(env.db, { action: 'case.subtask_rated', entityId: caseId, limit: 10 });
    expect(audited.map((a) => a.actorId)).toEqual(['u-worker01', colleague.id]);
  });

  it('only a reported sub-task is rated', async () => {
    const { caseId, subtaskId, lead } = await cohandledCase({ report: false });
    await expect(
      rateSubtask(env.cases.context, lead, caseId, subtaskId, { side: 'lead', grade: 'good', comment: null }),
    ).rejects.toMatchObject({ code: 'invalid_transition' });
  });

  it('the rater changes it within a day; nobody else on that side overwrites it; after a day it stands', async () => {
    const { caseId, subtaskId, lead } = await cohandledCase();
    const ctx = env.cases.context;
    const desk = await env.user('street1');
    const ratedAt = env.clock.now();
    await rateSubtask(ctx, lead, caseId, subtaskId, { side: 'lead', grade: 'good', comment: null });
    env.clock.advance(2 * HOUR);
    const changed = await rateSubtask(ctx, lead, caseId, subtaskId, {
      side: 'lead',
      grade: 'poor',
      comment: '反馈缺少照片',
    });
    expect(changed[0]!.ratings.lead).toMatchObject({ grade: 'poor', ratedAt, updatedAt: env.clock.now() });
    await expect(
      rateSubtask(ctx, desk, caseId, subtaskId, { side: 'lead', grade: 'good', comment: null }),
    ).rejects.toMatchObject({ code: 'conflict' });
    env.clock.advance(DAY);
    await expect(
      rateSubtask(ctx, lead, caseId, subtaskId, { side: 'lead', grade: 'good', comment: null }),
    ).rejects.toMatchObject({ code: 'invalid_transition' });
    const entries = (await env.cases.detail(lead, caseId)).timeline.filter(
      (e) => e.action === 'subtask_rated',
    );
    expect(entries.map((e) => (e.data as { changed: boolean }).changed)).toEqual([false, true]);
  });

  it('the department sees what it received and gave; the street its side; others are refused', async () => {
    const { caseId, subtaskId, lead, coHandler } = await cohandledCase();
    const ctx = env.cases.context;
    await rateSubtask(ctx, lead, caseId, subtaskId, { side: 'lead', grade: 'good', comment: '及时' });
    await rateSubtask(ctx, coHandler, caseId, subtaskId, {
      side: 'cohandler',
      grade: 'poor',
      comment: '地址不清',
    });
    const period = { from: env.clock.now() - 7 * DAY, to: env.clock.now() + 1 };

    const department = await listCohandleRatings(ctx, coHandler, period);
    expect(department.subject).toEqual({ kind: 'department', id: 'dept-cgj', name: '区城市管理局' });
    expect(department.received).toEqual({
      good: 1,
      fair: 0,
      poor: 0,
      goodRate: { numerator: 1, denominator: 1, value: 1 },
    });
    expect(department.given.poor).toBe(1);
    expect(department.rows.map((r) => [r.caseId, r.subtaskId, r.ratings.lead?.comment])).toEqual([
      [caseId, subtaskId, '及时'],
    ]);

    const street = await listCohandleRatings(ctx, await env.user('street1'), period);
    expect(street.subject).toMatchObject({ kind: 'region', id: 'S1' });
    expect(street.received).toMatchObject({ poor: 1, goodRate: { numerator: 0, denominator: 1, value: 0 } });
    expect(street.given.good).toBe(1);
    // Another street's desk sees none of it; a department's ratings are not theirs to read.
    const elsewhere = await listCohandleRatings(ctx, await env.user('street2'), period);
    expect([elsewhere.subject.id, elsewhere.rows]).toEqual(['S2', []]);
    await expect(
      listCohandleRatings(ctx, await env.user('street1'), { ...period, departmentId: 'dept-cgj' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      listCohandleRatings(ctx, await env.user('fire1'), { ...period, departmentId: 'dept-cgj' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listCohandleRatings(ctx, lead, period)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      listCohandleRatings(ctx, await env.user('street1'), { ...period, regionId: 'S2' }),
    ).rejects.toMatchObject({ code: 'not_found' });

    // The 考核 figures carry the 好评率: worker01's street received one poor rating of its request.
    const regions = await listRegions(env.db);
    const { units } = await assessRegion(env.db, regions, 'S1', period, env.clock.now());
    expect(units.street.find((u) => u.key === 'S1')!.cohandleGoodRate).toEqual({
      numerator: 0,
      denominator: 1,
      value: 0,
    });
  });
});
