import { DEFAULT_ASSESSMENT_SCHEME, type AssessmentScheme, type AssessmentView } from '@gridsense/core';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijing, seedAssessmentHistory } from './harness/assessment-history';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const HOUR = 3_600_000;
const MONDAY = `from=${beijing(3, 9)}&to=${beijing(3, 10)}`;

/**
 * 考核 over HTTP: each person charged for their own part of a case, the ranking per level within
 * the reader's region, and the scheme only an administrator changes.
 */
describe.each(stateDialects())('/api/assessment (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let admin: ApiClient;
  let street1: ApiClient;
  let worker: ApiClient;
  const clock = beijing(3, 10, 8);

  beforeAll(async () => {
    env = await startTestPlatform({ dialect, now: () => clock });
    const db = await env.openState();
    try {
      await seedAssessmentHistory(db);
    } finally {
      await db.destroy();
    }
    [op, admin, street1, worker] = [
      await env.login('op1'),
      await env.login('admin'),
      await env.login('street1'),
      await env.login('worker01'),
    ];
  }, 120_000);
  afterAll(async () => env?.stop());

  const assess = async (client: ApiClient, query = '') => {
    const answer = await client.call<AssessmentView>('GET', `/api/assessment?${MONDAY}${query}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('charges each person their own part: the return to who returned, 督办 and delay to who held it', async () => {
    const view = await assess(op);
    expect(view.regionId).toBe('D1');
    expect(view.scheme).toEqual(DEFAULT_ASSESSMENT_SCHEME);
    expect(view.excluded).toEqual({ false_alarm: 1 });
    const worker = (id: string) => view.units.worker.find((u) => u.key === id)!;
    expect(worker('u-worker01')).toMatchObject({ counted: 1, returns: 1, supervised: 0, delayMs: 0 });
    expect(worker('u-worker02')).toMatchObject({ counted: 1, returns: 0, supervised: 0 });
    expect(worker('u-worker02').solvedRate).toEqual({ numerator: 1, denominator: 1, value: 1 });
    // a2 is due Monday 10:00 and still worker03's at Tuesday 08:00; 督办 came while it was theirs.
    expect(worker('u-worker03')).toMatchObject({ counted: 1, supervised: 1, overdue: 1, delayMs: 22 * HOUR });
    expect(view.units.street.map((u) => u.key).sort()).toEqual(['S1', 'S2']);
    expect(view.names['S1']).toBe('望江街道');
    expect(view.names['u-worker03']).toMatch(/^网格员 /);
  });

  it('ranks each level best first, the late and supervised worker last', async () => {
    const view = await assess(op);
    for (const level of ['grid', 'worker', 'department', 'community', 'street'] as const) {
      const rows = view.units[level];
      rows.forEach((row, i) => {
        if (i > 0) expect(row.score).toBeLessThanOrEqual(rows[i - 1]!.score);
        expect(row.rank).toBeGreaterThanOrEqual(1);
      });
    }
    expect(view.units.worker.at(-1)!.key).toBe('u-worker03');
  });

  it('keeps a street’s desk within its street; grid workers get 403; bad periods 400', async () => {
    const view = await assess(street1);
    expect(view.regionId).toBe('S1');
    expect(view.units.street.map((u) => u.key)).toEqual(['S1']);
    expect(view.units.worker.map((u) => u.key)).not.toContain('u-worker13');
    expect((await assess(street1, '&regionId=G01')).units.grid.map((u) => u.key)).toEqual(['G01']);
    expect((await street1.call('GET', `/api/assessment?${MONDAY}&regionId=S2`)).status).toBe(404);
    expect((await street1.call('GET', `/api/assessment?${MONDAY}&regionId=D1`)).status).toBe(404);
    expect((await worker.call('GET', `/api/assessment?${MONDAY}`)).status).toBe(403);
    expect((await op.call('GET', '/api/assessment?from=abc')).status).toBe(400);
    expect((await op.call('GET', `/api/assessment?from=${beijing(3, 10)}&to=${beijing(3, 9)}`)).status).toBe(
      400,
    );
  });

  it('only an administrator changes the scheme; a bad one is refused with every problem', async () => {
    expect((await op.call('GET', '/api/assessment/scheme')).body).toEqual(DEFAULT_ASSESSMENT_SCHEME);
    const heavier: AssessmentScheme = { ...DEFAULT_ASSESSMENT_SCHEME, supervisedPenalty: 50 };
    expect((await op.call('PUT', '/api/assessment/scheme', heavier)).status).toBe(403);
    const bad = await admin.call<{ error: { message: string; details: string[] } }>(
      'PUT',
      '/api/assessment/scheme',
      { ...heavier, overduePenalty: -1, weights: { ...heavier.weights, solved: 'high' } },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('invalid assessment scheme');
    expect(bad.body.error.details).toEqual([
      'weights.solved must be a number from 0 to 100',
      'overduePenalty must be a number from 0 to 100',
    ]);
    const before = (await assess(op)).units.worker.find((u) => u.key === 'u-worker03')!.score;
    const saved = await admin.call<AssessmentScheme>('PUT', '/api/assessment/scheme', heavier);
    expect(saved.status).toBe(200);
    const after = await assess(op);
    expect(after.scheme).toEqual(heavier);
    // One 督办 now costs 50 instead of 5.
    expect(before - after.units.worker.find((u) => u.key === 'u-worker03')!.score).toBeCloseTo(45, 0);
  });
});
