import type { StateDb } from '@gridsense/state';
import { insertCase } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIn } from '../../core/src/case-test-fixture';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };
interface Suggestions {
  suggestions: {
    key: string;
    category: string;
    subcategory: string | null;
    caseType: string | null;
    confidence: number;
    route: { kind: string; departmentId?: string; departmentName?: string } | null;
  }[];
  trainedOn: { closedCases: number; seedTexts: number };
}
interface Agreement {
  count: number;
  top1: number;
  top3: number;
  byChannel: Record<'hotline' | 'patrol', { count: number; top1: number; top3: number }>;
}

/** A closed, handled case whose words appear nowhere in the seed texts, taught under a street-light key. */
const TAUGHT = { text: '紫色独角兽雕塑', key: 'facility.streetlight.light_out' };

/** 智能分拨 over HTTP: suggestions trained on closed cases and seed texts, routed, kept and measured. */
describe.each(stateDialects())('intake suggestions over the API (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let worker: ApiClient;
  const suggest = (client: ApiClient, text: unknown) =>
    client.call<Suggestions & ErrorBody>('POST', '/api/intake/suggest', { text });

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    const db: StateDb = await env.openState();
    for (const [i, title] of ['路口紫色独角兽雕塑掉漆', '紫色独角兽雕塑倒了'].entries())
      await insertCase(
        db,
        caseIn('closed', {
          id: `closed-${i}`,
          title,
          description: TAUGHT.text,
          category: 'facility',
          subcategory: 'facility.streetlight',
          caseType: TAUGHT.key,
          gridId: 'G01',
          deviceId: null,
          ruleId: null,
          assigneeId: null,
          dispatcherId: null,
        }),
        { entries: [], nextCheckAt: null },
      );
    await db.destroy();
    op = await env.login('op1');
    worker = await env.login('worker01');
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('refuses an empty, too long or malformed text, each with its reason', async () => {
    const refused = async (body: unknown) => {
      const response = await op.call<ErrorBody>('POST', '/api/intake/suggest', body);
      expect(response.status).toBe(400);
      return response.body.error.details;
    };
    expect(await refused({ text: '   ' })).toEqual(['text is empty']);
    expect(await refused({ text: '火'.repeat(2001) })).toEqual(['text is longer than 2000 characters']);
    expect(await refused({ text: 42 })).toEqual(['text must be a string']);
    expect(await refused({})).toEqual(['text must be a string']);
    expect(await refused([])).toEqual(['body must be an object']);
    expect((await suggest(op, '火'.repeat(2000))).status).toBe(200);
  });

  it('is for those who register patrol and hotline cases', async () => {
    for (const username of ['eng1', 'fire1']) {
      const other = await env.login(username);
      expect((await suggest(other, '燃气味')).status).toBe(403);
    }
    expect((await suggest(worker, '燃气味')).status).toBe(200);
  });

  it('suggests three categories with confidence and the department each routes to', async () => {
    const { status, body } = await suggest(op, '楼道里有人堆放杂物堵住消防通道');
    expect(status).toBe(200);
    expect(body.suggestions).toHaveLength(3);
    expect(body.suggestions[0]).toMatchObject({
      category: 'fire_safety',
      subcategory: 'fire_safety.hazard',
      route: { kind: 'grid_duty' },
    });
    const confidences = body.suggestions.map((s) => s.confidence);
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
    expect(confidences.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    // Few closed cases: the seed texts train too.
    expect(body.trainedOn).toEqual({ closedCases: 2, seedTexts: expect.any(Number) as number });
    expect(body.trainedOn.seedTexts).toBeGreaterThan(200);

    const garbage = await suggest(op, '垃圾桶满了好几天没人清运，很臭');
    expect(garbage.body.suggestions[0]).toMatchObject({
      key: 'city_appearance.garbage.overflow',
      caseType: 'city_appearance.garbage.overflow',
      route: { kind: 'department', departmentId: 'dept-cgj', departmentName: '区城市管理局' },
    });
  });

  it('learns from closed cases', async () => {
    const { body } = await suggest(op, TAUGHT.text);
    expect(body.suggestions[0]?.key).toBe(TAUGHT.key);
  });

  it('keeps the suggestion and the choice of each case opened with one, and measures agreement', async () => {
    const suggested = [
      'fire_safety.hazard.blocked_exit',
      'fire_safety.hazard.corridor_storage',
      'fire_safety.hazard.ebike_charging',
    ];
    const call = (title: string, caseType: string, extra: Record<string, unknown> = { suggested }) =>
      op.call<ErrorBody>('POST', '/api/cases/hotline', {
        title,
        description: `${title}（测试）`,
        category: 'fire_safety',
        subcategory: 'fire_safety.hazard',
        caseType,
        severity: 'warning',
        gridId: 'G01',
        callerName: '李四',
        callerPhone: '13900001111',
        ...extra,
      });
    expect((await call('消防通道堵塞', suggested[0]!)).status).toBe(201);
    expect((await call('电动车楼道充电', suggested[2]!)).status).toBe(201);
    expect((await call('消火栓漏水', 'fire_safety.hazard.hydrant_fault')).status).toBe(201);
    expect((await call('没有建议', 'fire_safety.hazard.hydrant_fault', {})).status).toBe(201);
    const bad = await call('坏的建议', suggested[0]!, { suggested: ['a', 'b', 'c', 'd'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(['suggested must be up to three taxonomy keys']);

    const patrol = await worker.call<ErrorBody>('POST', '/api/cases/reports', {
      title: '路灯不亮',
      description: '小区东门路灯不亮',
      category: 'facility',
      subcategory: 'facility.streetlight',
      caseType: 'facility.streetlight.light_out',
      severity: 'info',
      location: { lat: 30.262, lng: 120.155 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
      suggested: ['facility.streetlight.light_out'],
    });
    expect(patrol.status).toBe(201);

    const agreement = await op.call<Agreement>('GET', '/api/intake/agreement');
    expect(agreement.status).toBe(200);
    expect(agreement.body).toMatchObject({ count: 4, top1: 0.5, top3: 0.75 });
    expect(agreement.body.byChannel.hotline).toEqual({ count: 3, top1: 1 / 3, top3: 2 / 3 });
    expect(agreement.body.byChannel.patrol).toEqual({ count: 1, top1: 1, top3: 1 });
    expect((await op.call<Agreement>('GET', '/api/intake/agreement?from=9999999999999')).body.count).toBe(0);
    expect((await op.call('GET', '/api/intake/agreement?from=soon')).status).toBe(400);
    expect((await worker.call('GET', '/api/intake/agreement')).status).toBe(403);
    // Within the reader's region: another street's community supervisor sees none of G01's cases.
    const elsewhere = await env.login('sup3');
    expect((await elsewhere.call<Agreement>('GET', '/api/intake/agreement')).body.count).toBe(0);
    const own = await env.login('sup1');
    expect((await own.call<Agreement>('GET', '/api/intake/agreement')).body.count).toBe(4);
  });
});
