import type { CaseDetailView, CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

/** POST /api/cases/:id/merge over HTTP: hostile bodies refused with reasons, roles checked, audited. */
describe.each(stateDialects())('merging cases by hand over the API (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  const hotline = (title: string) => ({
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
  });
  const open = async (title: string) =>
    (await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', hotline(title))).body.case.id;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    op = await env.login('op1');
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('refuses bodies that are not { caseId, note? } with each problem named', async () => {
    const id = await open('楼道堆物 A');
    const refused = async (body: unknown) => {
      const response = await op.call<ErrorBody>('POST', `/api/cases/${id}/merge`, body);
      expect(response.status).toBe(400);
      return response.body.error.details ?? [response.body.error.message];
    };
    expect(await refused([id])).toEqual(['body must be an object']);
    expect(await refused({ caseId: 7, note: 'x'.repeat(501), extra: true })).toEqual([
      'caseId must be the id of the case to merge',
      'note must be text of at most 500 characters',
      'only caseId and note may be given',
    ]);
    expect(await refused({ caseId: '../../etc' })).toEqual(['caseId must be the id of the case to merge']);
    expect(await refused({ caseId: id })).toEqual(['a case cannot be merged into itself']);
  });

  it('a grid worker is refused; an operator merges, and the move is on the audit log', async () => {
    const kept = await open('楼道堆物 B');
    const absorbed = await open('楼道堆物 C');
    const worker = await env.login('worker01');
    expect((await worker.call('POST', `/api/cases/${kept}/merge`, { caseId: absorbed })).status).toBe(403);

    const merged = await op.call<CaseView>('POST', `/api/cases/${kept}/merge`, {
      caseId: absorbed,
      note: '同一楼道',
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: kept, sourceCount: 2 });
    const gone = (await op.call<CaseDetailView>('GET', `/api/cases/${absorbed}`)).body.case;
    expect(gone.state).toBe('closed');
    const again = await op.call<ErrorBody>('POST', `/api/cases/${kept}/merge`, { caseId: absorbed });
    expect(again.status).toBe(400);
    expect(again.body.error.details).toEqual(['the case to merge must be open and not yet resolved']);

    const audit = await op.call<{ action: string; entityId: string; actorId: string }[]>(
      'GET',
      `/api/audit?entityId=${kept}&action=case.merged`,
    );
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('case.merged');
  });
});
