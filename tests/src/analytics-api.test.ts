import type { CasePageView, CaseStatsView, CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * 超时未结 over HTTP: a case counts as overdue when any of its clocks ran out (here accept and
 * arrive, with the resolve deadline still ahead), per grid and per worker, and the case list
 * filtered the same way (grid + overdue) lists those very cases.
 */
describe.each(stateDialects())('GET /api/analytics/cases overdue (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let clock = Date.now();

  beforeAll(async () => {
    env = await startTestPlatform({ dialect, now: () => clock });
    op = await env.login('op1');
  });
  afterAll(async () => env?.stop());

  const hotline = async (title: string) => {
    const answer = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title,
      description: `${title}（来电反映）`,
      category: 'facility',
      severity: 'warning',
      gridId: 'G01',
      callerName: '赵敏',
      callerPhone: '13700001111',
    });
    expect(answer.status).toBe(201);
    // 市政设施 waits for 立案: the desk registers it at once and the rule list routes it.
    const registered = await op.call<CaseView>('POST', `/api/cases/${answer.body.case.id}/actions`, {
      action: 'register',
    });
    expect(registered.status).toBe(200);
    return registered.body;
  };

  it('counts a case past its accept or arrive deadline before the resolve deadline', async () => {
    const from = clock - 60_000;
    const unaccepted = await hotline('路灯不亮');
    const accepting = await hotline('井盖松动');
    const lead = await env.login(accepting.assigneeId!.replace(/^u-/, ''));
    const accepted = await lead.call<CaseView>('POST', `/api/cases/${accepting.id}/actions`, {
      action: 'accept',
    });
    expect(accepted.status).toBe(200);
    const breachAt = Math.max(unaccepted.acceptDueAt!, accepted.body.arriveDueAt!) + 1;
    expect(breachAt).toBeLessThan(Math.min(unaccepted.resolveDueAt!, accepted.body.resolveDueAt!));

    const stats = async () => {
      const answer = await op.call<CaseStatsView>('GET', `/api/analytics/cases?from=${from}&to=${clock + 1}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    };
    const before = await stats();
    expect(before.byGrid.find((g) => g.key === 'G01')).toMatchObject({ opened: 2, overdue: 0 });

    clock = breachAt;
    // Hours later: a fresh sign-in (the morning's session has idled out).
    op = await env.login('op1');
    const after = await stats();
    expect(after.overdue).toBe(2);
    expect(after.byGrid.find((g) => g.key === 'G01')).toMatchObject({
      opened: 2,
      overdue: 2,
      pastResolveDue: 0,
    });
    // Per unit: the grid, and the community and street above it, hold both overdue cases.
    expect(after.units.grid.find((u) => u.key === 'G01')).toMatchObject({
      handled: 2,
      voided: 0,
      overdue: 2,
    });
    // G01 lies in 江城社区 of 望江街道 (the demo district); each row is named as the console shows it.
    for (const [unit, name] of [
      ['community', '江城社区'],
      ['street', '望江街道'],
    ] as const) {
      expect(after.units[unit]).toHaveLength(1);
      expect(after.units[unit][0]).toMatchObject({ handled: 2, overdue: 2, responseRate: { numerator: 1 } });
      expect(after.names[after.units[unit][0]!.key]).toBe(name);
    }
    // Each lead is charged with their own overdue cases (the same person may lead both).
    const expected = new Map<string, number>();
    for (const c of [unaccepted, accepting])
      expected.set(c.assigneeId!, (expected.get(c.assigneeId!) ?? 0) + 1);
    expect(new Map(after.byWorker.map((w) => [w.key, w.overdue]))).toEqual(expected);

    const listed = await op.call<CasePageView>(
      'GET',
      `/api/cases/search?state=open&gridId=G01&dueBefore=${clock}&limit=50`,
    );
    expect(listed.body.cases.map((c) => c.id).sort()).toEqual([unaccepted.id, accepting.id].sort());
  });
});
