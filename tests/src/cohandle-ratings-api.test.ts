import type { CaseCategoryNode, CaseSubtaskView, CaseView, CohandleRatingsView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

/**
 * 立案 of facility reports at once, as an administrator may set it (by hand is the default,
 * decision 0029): these walks start once the lead is at work.
 */
async function registerFacilityAutomatically(env: TestPlatform): Promise<void> {
  const admin = await env.login('admin');
  const config = await admin.call<{ categories: CaseCategoryNode[] }>('GET', '/api/case-config');
  const node = config.body.categories.find((c) => c.key === 'facility')!;
  const set = await admin.call('PUT', '/api/admin/categories/facility', { ...node, autoRegister: true });
  expect(set.status).toBe(200);
}

/**
 * 好差评 of 协办 over HTTP, role × scope: the lead rates the city management bureau's report, the
 * bureau rates the request back; the bureau's handlers read their department's ratings, the street's
 * desk its street's; a handler of another department, a grid worker and an engineer are refused.
 */
describe.each(stateDialects())('协办 ratings over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let lead: ApiClient;
  let cgj: ApiClient;
  let colleague: ApiClient;
  let fire: ApiClient;
  let eng: ApiClient;
  let street: ApiClient;
  let farStreet: ApiClient;
  let caseId: string;
  let subtaskId: number;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    await registerFacilityAutomatically(env);
    [lead, cgj, colleague, fire, eng, street, farStreet] = await Promise.all([
      env.login('worker01'),
      env.login('cgj1'),
      env.login('cgj2'),
      env.login('fire1'),
      env.login('eng1'),
      env.login('street1'),
      env.login('street2'),
    ]);
    const filed = await lead.call<{ case: CaseView }>('POST', '/api/cases/reports', {
      title: '商铺货物占用人行道',
      description: '3 号楼前人行道被货物占用',
      category: 'facility',
      severity: 'info',
      location: { lat: 30.262, lng: 120.155 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    });
    expect(filed.status).toBe(201);
    caseId = filed.body.case.id;
    const added = await lead.call<CaseSubtaskView[]>('POST', `/api/cases/${caseId}/subtasks`, {
      departmentId: 'dept-cgj',
      task: '清理占道货物',
      days: 2,
    });
    expect(added.status).toBe(201);
    subtaskId = added.body[0]!.id;
    // The bureau's handler on duty takes it; the other one is their colleague.
    if (added.body[0]!.assigneeId === 'u-cgj2') [cgj, colleague] = [colleague, cgj];
  });
  afterAll(async () => env?.stop());

  const rate = (client: ApiClient, body: unknown, id = caseId) =>
    client.call<CaseSubtaskView[] & ErrorBody>('POST', `/api/cases/${id}/subtasks/${subtaskId}/rating`, body);
  const ratings = (client: ApiClient, query = '') =>
    client.call<CohandleRatingsView & ErrorBody>('GET', `/api/cohandle-ratings${query}`);

  it('rates a reported 协办 both ways, and each side reads what it received', async () => {
    // Not before the co-handler has reported.
    expect((await rate(lead, { side: 'lead', grade: 'good' })).body.error.code).toBe('invalid_transition');
    const move = (body: unknown) =>
      cgj.call('POST', `/api/cases/${caseId}/subtasks/${subtaskId}/actions`, body);
    expect((await move({ action: 'accept' })).status).toBe(200);
    expect((await move({ action: 'report', note: '货物已清理' })).status).toBe(200);

    const bad = await rate(lead, { side: 'street', grade: 'great', stars: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      'side must be lead or cohandler',
      'grade must be good, fair or poor',
      'unknown field stars',
    ]);
    const rated = await rate(lead, { side: 'lead', grade: 'good', comment: '清理及时' });
    expect(rated.status).toBe(200);
    expect(rated.body[0]!.ratings.lead).toMatchObject({
      grade: 'good',
      comment: '清理及时',
      raterId: 'u-worker01',
    });
    // The street's desk is on the lead side too, but the lead's rating is the lead's to change.
    expect((await rate(street, { side: 'lead', grade: 'poor' })).status).toBe(409);
    // The co-handler does not rate their own work; a colleague in the department rates the request.
    expect((await rate(cgj, { side: 'lead', grade: 'good' })).status).toBe(403);
    const back = await rate(colleague, { side: 'cohandler', grade: 'fair', comment: '地址可更具体' });
    expect(back.status).toBe(200);

    const department = await ratings(cgj);
    expect(department.status).toBe(200);
    expect(department.body.subject).toEqual({ kind: 'department', id: 'dept-cgj', name: '区城市管理局' });
    expect(department.body.received).toMatchObject({ good: 1, goodRate: { value: 1 } });
    expect(department.body.rows.map((r) => [r.caseId, r.ratings.cohandler?.grade])).toEqual([
      [caseId, 'fair'],
    ]);

    const ofStreet = await ratings(street);
    expect(ofStreet.body.subject).toMatchObject({ kind: 'region', id: 'S1' });
    expect(ofStreet.body.received).toMatchObject({ fair: 1, goodRate: { numerator: 0, denominator: 1 } });
    const timeline = (await lead.call<{ timeline: { action: string }[] }>('GET', `/api/cases/${caseId}`)).body
      .timeline;
    expect(timeline.filter((e) => e.action === 'subtask_rated')).toHaveLength(2);
  });

  it('refuses a handler of another department, a grid worker and an engineer', async () => {
    expect((await rate(fire, { side: 'lead', grade: 'poor' })).status).toBe(404);
    expect((await rate(fire, { side: 'cohandler', grade: 'poor' })).status).toBe(404);
    expect((await rate(eng, { side: 'lead', grade: 'poor' })).status).toBe(403);
    const other = await ratings(fire, '?departmentId=dept-cgj');
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe(
      "only the department's members and the command centre read its ratings",
    );
    // Their own department's page has none of the bureau's rows.
    expect((await ratings(fire)).body).toMatchObject({ subject: { id: 'dept-fire' }, rows: [] });
    expect((await ratings(lead)).status).toBe(403);
    expect((await ratings(eng)).status).toBe(403);
    // Another street's desk: not the first street's area, and its own has none of this.
    expect((await ratings(farStreet, '?regionId=S1')).status).toBe(404);
    expect((await ratings(farStreet)).body).toMatchObject({ subject: { id: 'S2' }, rows: [] });
  });

  it('checks the query', async () => {
    for (const query of [
      '?from=x',
      '?from=1.5',
      '?departmentId=a%20b',
      '?regionId=S1&departmentId=dept-cgj',
      '?from=10&to=5',
    ])
      expect((await ratings(street, query)).status, query).toBe(400);
  });
});
