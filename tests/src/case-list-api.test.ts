import type { CasePageView, CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { registerAutomatically } from './harness/auto-register';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

/** The case list over HTTP: search, filters, "awaiting my verification", paging with a total. */
describe.each(stateDialects())('GET /api/cases/search (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let worker: ApiClient;
  let sup: ApiClient;
  const opened: Record<string, CaseView> = {};

  const page = async (client: ApiClient, query: string) => {
    const answer = await client.call<CasePageView>('GET', `/api/cases/search?${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const ids = async (client: ApiClient, query: string) => (await page(client, query)).cases.map((c) => c.id);

  const hotline = async (key: string, call: Record<string, unknown>) => {
    const answer = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      category: 'facility',
      severity: 'warning',
      callerName: '赵敏',
      callerPhone: '13700001111',
      ...call,
    });
    expect(answer.status).toBe(201);
    opened[key] = answer.body.case;
    return answer.body.case;
  };
  const act = async (client: ApiClient, id: string, command: Record<string, unknown>) => {
    const answer = await client.call<CaseView>('POST', `/api/cases/${id}/actions`, command);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [op, worker, sup] = await Promise.all([env.login('op1'), env.login('worker01'), env.login('sup1')]);
    // The list is the subject: 市政设施 calls are registered and routed as they are entered.
    await registerAutomatically(await env.login('admin'), 'facility');
    await hotline('lamp', {
      title: '路灯不亮',
      description: '小区东门路灯整晚不亮',
      gridId: 'G01',
      address: '清河路 12 号东门',
    });
    await hotline('manhole', {
      title: '井盖松动',
      description: '车辆经过时井盖响动，100% 会响',
      gridId: 'G02',
      address: '望江路 3 号',
    });
    await hotline('pipe', {
      title: '自来水管爆裂',
      description: '路面大量冒水',
      gridId: 'G02',
      severity: 'critical',
    });
    await hotline('bench', { title: '长椅损坏', description: '公园长椅断裂', gridId: 'G01', address: null });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('finds cases by words in the title, the description or the address', async () => {
    expect(await ids(op, `state=all&q=${encodeURIComponent('清河路')}`)).toEqual([opened.lamp!.id]);
    expect(await ids(op, `state=all&q=${encodeURIComponent('响动')}`)).toEqual([opened.manhole!.id]);
    expect(await ids(op, `state=all&q=${encodeURIComponent('长椅')}`)).toEqual([opened.bench!.id]);
    // `%` and `_` are text, not wildcards.
    expect(await ids(op, `state=all&q=${encodeURIComponent('100%')}`)).toEqual([opened.manhole!.id]);
    expect(await ids(op, `state=all&q=${encodeURIComponent('%')}`)).toEqual([opened.manhole!.id]);
    expect(await ids(op, `state=all&q=_`)).toEqual([]);
  });

  it('filters by source, assignee and opening time, within the person’s scope', async () => {
    const hotlineIds = await ids(op, 'state=all&source=hotline');
    expect(hotlineIds).toEqual(
      expect.arrayContaining([opened.lamp!.id, opened.manhole!.id, opened.bench!.id]),
    );
    expect(await ids(op, 'state=all&source=patrol')).toEqual([]);

    await act(op, opened.bench!.id, { action: 'dispatch', assigneeId: 'u-worker02', note: 'B 角' });
    expect(await ids(op, 'state=all&source=hotline&assignee=u-worker02')).toEqual([opened.bench!.id]);
    const unassigned = await ids(op, 'state=all&source=hotline&assignee=none');
    expect(unassigned).not.toContain(opened.bench!.id);

    const lamp = opened.lamp!;
    expect(await ids(op, `state=all&source=hotline&from=${lamp.openedAt}&to=${lamp.openedAt}`)).toEqual([
      lamp.id,
    ]);
    expect(await ids(op, `state=all&from=${Date.now() + 60_000}`)).toEqual([]);

    // worker01 is on duty in G01 only: G02's case is not theirs to find.
    expect(await ids(worker, `state=all&q=${encodeURIComponent('井盖')}`)).toEqual([]);
  });

  it('gives the masked caller only to those who may call back', async () => {
    const lamp = opened.lamp!;
    const forOperator = (await page(op, `state=all&q=${encodeURIComponent('清河路')}`)).cases[0]!;
    expect(forOperator.requester).toEqual({ name: '赵*', phone: '137****1111', masked: true });
    // worker01 is on duty in G01 and sees the case, but not who called.
    const forWorker = (await page(worker, `state=all&q=${encodeURIComponent('清河路')}`)).cases[0]!;
    expect(forWorker.id).toBe(lamp.id);
    expect(forWorker.requester).toBeNull();
    expect(
      (await worker.call<CaseView[]>('GET', '/api/cases?scope=all')).body.every((c) => !c.requester),
    ).toBe(true);
    const detail = await worker.call<{ case: CaseView }>('GET', `/api/cases/${lamp.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.case.requester).toBeNull();
  });

  it('pages through every case with one total, newest first, without gaps or repeats', async () => {
    const whole = await page(op, 'state=all&limit=100');
    expect(whole.total).toBe(whole.cases.length);
    expect(whole.total).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    for (let offset = 0; offset < whole.total; offset += 2) {
      const part = await page(op, `state=all&limit=2&offset=${offset}`);
      expect(part).toMatchObject({ total: whole.total, limit: 2, offset });
      seen.push(...part.cases.map((c) => c.id));
    }
    expect(seen).toEqual(whole.cases.map((c) => c.id));
    const opens = whole.cases.map((c) => c.openedAt);
    expect(opens).toEqual([...opens].sort((a, b) => b - a));
  });

  it('lists resolved cases awaiting my verification, never my own, and only for those who verify', async () => {
    const id = opened.lamp!.id;
    await act(op, id, { action: 'dispatch', assigneeId: 'u-sup1', note: '社区主任顺路处理' });
    await act(sup, id, { action: 'accept' });
    await act(sup, id, { action: 'arrive' });
    await act(sup, id, { action: 'resolve', note: '已更换灯泡' });

    expect(await ids(op, 'state=all&awaiting=verification')).toEqual([id]);
    // sup1 resolved it: someone else verifies.
    expect(await ids(sup, 'state=all&awaiting=verification')).toEqual([]);
    // A grid worker verifies nothing.
    expect(await page(worker, 'state=all&awaiting=verification')).toMatchObject({ cases: [], total: 0 });

    await act(op, id, { action: 'verify' });
    expect(await ids(op, 'state=all&awaiting=verification')).toEqual([]);
  });

  it('sorts by the running clock (none last) or by severity, worst first', async () => {
    const SEVERITY_ORDER = ['info', 'warning', 'critical'];
    const clock = (c: CaseView) =>
      ['resolved', 'verified', 'closed'].includes(c.state)
        ? Infinity
        : (c.acceptDueAt ?? c.resolveDueAt ?? Infinity);
    const byDeadline = (await page(op, 'state=all&sort=deadline&limit=100')).cases;
    expect(byDeadline.some((c) => clock(c) === Infinity)).toBe(true);
    const clocks = byDeadline.map(clock);
    expect(clocks).toEqual([...clocks].sort((a, b) => a - b));

    const bySeverity = (await page(op, 'state=all&sort=severity&limit=100')).cases;
    expect(bySeverity[0]!.severity).toBe('critical');
    const keys = bySeverity.map((c) => [-SEVERITY_ORDER.indexOf(c.severity), clock(c)] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(keys).toEqual(sorted);
  });

  it('lists the cases any of whose running clocks ran out, and says when the next one will', async () => {
    const all = (await page(op, 'state=all&limit=100')).cases;
    // Every running clock of a case (accept, arrive, resolve): overdue when any has run out.
    const clocksOf = (c: CaseView) =>
      ['resolved', 'verified', 'closed'].includes(c.state) || c.pausedAt !== null
        ? []
        : [c.acceptDueAt, c.arriveDueAt, c.resolveDueAt].filter((at): at is number => at !== null);
    const clocks = all.flatMap(clocksOf).sort((a, b) => a - b);
    expect(clocks.length).toBeGreaterThan(1);
    // As of just after the first clock: that case is overdue, the next clock is the second.
    const asOf = clocks[0]! + 1;
    const overdue = await page(op, `state=all&limit=100&dueBefore=${asOf}`);
    expect(overdue.cases.map((c) => c.id)).toEqual(
      all.filter((c) => clocksOf(c).some((at) => at < asOf)).map((c) => c.id),
    );
    expect(overdue.cases.length).toBeGreaterThan(0);
    expect(overdue.nextDueAt).toBe(clocks.find((at) => at >= asOf));
    expect((await page(op, `state=all&dueBefore=${clocks.at(-1)! + 1}`)).nextDueAt).toBeNull();
    expect((await page(op, 'state=all')).nextDueAt).toBeUndefined();
  });

  it('keeps a returned case on top of every order, until it is dispatched again', async () => {
    const bench = await hotline('swing', {
      title: '秋千链条断了',
      description: '儿童秋千链条断裂',
      gridId: 'G01',
    });
    await act(op, bench.id, { action: 'dispatch', assigneeId: 'u-worker02', note: 'B 角' });
    const worker02 = await env.login('worker02');
    await act(worker02, bench.id, { action: 'return', reason: 'not_my_duty', note: '不归我管' });
    for (const sort of ['newest', 'deadline', 'severity'])
      expect((await ids(op, `state=all&sort=${sort}`))[0], sort).toBe(bench.id);
    await act(op, bench.id, { action: 'dispatch', assigneeId: 'u-worker01', note: '主岗处理' });
    // Dispatched again, it takes its place: the critical burst pipe leads by severity.
    expect((await ids(op, 'state=all&sort=severity'))[0]).toBe(opened.pipe!.id);
  });

  it('answers hostile or malformed queries with a 400 that names each problem', async () => {
    const refused = async (query: string) => {
      const answer = await op.call<ErrorBody>('GET', `/api/cases/search?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      return answer.body.error.details ?? [];
    };
    expect(await refused('limit=0&offset=-1&state=gone')).toEqual([
      'state must be open, all or a case state',
      'limit must be 1–100',
      'offset must be 0–10000',
    ]);
    expect(await refused('limit=100000')).toEqual(['limit must be 1–100']);
    expect(await refused('offset=10001')).toEqual(['offset must be 0–10000']);
    expect(await refused(`q=${'灯'.repeat(51)}`)).toEqual(['the search text must be at most 50 characters']);
    expect(await refused('state=open&state=all')).toEqual(['each filter may be given once']);
    expect(await refused('q[$ne]=x')).toEqual(['unknown filter q[$ne]']);
    expect(await refused('from=9&to=1')).toEqual(['from must not be after to']);
    expect(await refused('from=yesterday')).toEqual(['from and to must be epoch milliseconds']);
    expect(await refused('assignee=%27%20or%201%3D1')).toEqual(['assignee must be a person id or none']);
    expect(await refused('sort=random()&awaiting=me')).toEqual([
      'awaiting must be verification',
      'sort must be newest, deadline or severity',
    ]);
    expect(await refused('scope=all')).toEqual(['unknown filter scope']);
    // Fifty characters is fine.
    expect((await page(op, `q=${'灯'.repeat(50)}`)).total).toBe(0);
  });
});
