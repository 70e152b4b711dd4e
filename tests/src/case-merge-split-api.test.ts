import type { CaseDetailView, CaseView, MergeCandidateView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

/** Merge candidates by caller and place, and 拆分, over HTTP: bodies checked, roles refused, audited. */
describe.each(stateDialects())('merge candidates and splitting over the API (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  const call = (title: string, extra: Record<string, unknown> = {}) => ({
    title,
    description: `${title}（测试）`,
    category: 'fire_safety',
    subcategory: 'fire_safety.hazard',
    caseType: 'fire_safety.hazard.corridor_storage',
    severity: 'warning',
    gridId: 'G01',
    address: '江城社区 3 号楼',
    callerName: '李四',
    callerPhone: '13900001111',
    ...extra,
  });
  const open = async (title: string, extra: Record<string, unknown> = {}) => {
    const response = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', call(title, extra));
    expect(response.status).toBe(201);
    return response.body.case.id;
  };
  const light = { title: '楼道灯不亮', description: '楼道灯坏了', category: 'facility', severity: 'info' };

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    op = await env.login('op1');
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('lists the same caller’s case in another street and the same place’s case from another caller, with why', async () => {
    const corridor = await open('楼道堆物 甲');
    const garage = await open('车库进水 甲', {
      category: 'flood',
      subcategory: null,
      caseType: null,
      gridId: 'G07',
      callerPhone: '139 0000 1111',
    });
    const exit = await open('消防通道堵塞 甲', { callerName: '王五', callerPhone: '13700002222' });
    const response = await op.call<MergeCandidateView[]>('GET', `/api/cases/${corridor}/merge-candidates`);
    expect(response.status).toBe(200);
    const reasons = Object.fromEntries(response.body.map((c) => [c.id, c.reasons]));
    expect(reasons[garage]).toEqual(['same_caller']);
    expect(reasons[exit]).toEqual(['same_place']);
    expect(JSON.stringify(response.body)).not.toContain('1390000');

    const worker = await env.login('worker01');
    expect((await worker.call('GET', `/api/cases/${corridor}/merge-candidates`)).status).toBe(403);
    const elsewhere = await env.login('sup3');
    expect((await elsewhere.call('GET', `/api/cases/${corridor}/merge-candidates`)).status).toBe(404);
  });

  it('refuses split bodies with each problem named', async () => {
    const id = await open('楼道堆物 乙');
    const refused = async (body: unknown) => {
      const response = await op.call<ErrorBody>('POST', `/api/cases/${id}/split`, body);
      expect(response.status).toBe(400);
      return response.body.error.details ?? [response.body.error.message];
    };
    expect(await refused([light])).toEqual(['body must be an object']);
    expect(await refused({ ...light, title: '', severity: 'huge', caseId: id })).toEqual([
      'title is required (≤ 120 characters)',
      'severity must be one of info, warning, critical',
      'unknown fields: caseId',
    ]);
    expect(await refused({ ...light, category: 'arson' })).toEqual(['unknown category arson']);
    const sameMatter = {
      title: '楼道堆物 乙',
      description: '还是楼道堆物',
      category: 'fire_safety',
      subcategory: 'fire_safety.hazard',
      caseType: 'fire_safety.hazard.corridor_storage',
      severity: 'warning',
    };
    expect(await refused(sameMatter)).toEqual([
      'the new case must be another matter: change its title or its category',
    ]);
  });

  it('a grid worker is refused; an operator splits, both cases answer, and the split is audited', async () => {
    const id = await open('楼道堆物 丙');
    const worker = await env.login('worker01');
    expect((await worker.call('POST', `/api/cases/${id}/split`, light)).status).toBe(403);

    const response = await op.call<{ original: CaseView; created: CaseView }>(
      'POST',
      `/api/cases/${id}/split`,
      {
        ...light,
        note: '一次来电两件事',
      },
    );
    expect(response.status).toBe(201);
    const { original, created } = response.body;
    expect(original).toMatchObject({ id, title: '楼道堆物 丙' });
    expect(created).toMatchObject({
      title: '楼道灯不亮',
      source: 'hotline',
      gridId: 'G01',
      state: 'reported',
    });
    const detail = (await op.call<CaseDetailView>('GET', `/api/cases/${created.id}`)).body;
    expect(detail.timeline.map((e) => e.action)).toEqual(['report', 'split_from']);
    const audit = await op.call<unknown[]>('GET', `/api/audit?entityId=${id}&action=case.split`);
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain(created.id);
  });
});
