import type { NotificationChannel, StateDb } from '@gridsense/state';
import type { NotificationView, ReportSummary, ReportView } from '@gridsense/core';
import { runReportPass } from '@gridsense/alerts';
import { listRegions, listReports, setPersonLocale, upsertChannel } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijing, seedAssessmentHistory } from './harness/assessment-history';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const HOUR = 3_600_000;

/**
 * 日点评 and 周提示 made by the report pass under a fake clock, archived once per period and
 * region, read over HTTP within the reader's region (a street's desk sees only its street's), as
 * CSV, and queued to the street's channel.
 */
describe.each(stateDialects())('/api/reports (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let street1: ApiClient;
  let street2: ApiClient;
  let admin: ApiClient;
  let worker: ApiClient;
  // Monday 08:00: the pass at start makes last week's and last month's (empty) reports; Sunday
  // was no working day, so no 日点评.
  let clock = beijing(3, 9, 8);
  let dayIds: number[] = [];
  let weekIds: number[] = [];

  const pass = async (db: StateDb) => runReportPass(db, await listRegions(db), clock, { processId: 'test' });

  beforeAll(async () => {
    env = await startTestPlatform({ dialect, now: () => clock });
    const db = await env.openState();
    try {
      // The platform's own pass at start claims last week's and last month's reports; let it finish.
      const started = () => listReports(db, { regionIds: ['D1', 'S1', 'S2'], limit: 50 });
      for (let i = 0; i < 200 && (await started()).length < 6; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await started()).toHaveLength(6);
      await seedAssessmentHistory(db);
      const channel = (id: string, name: string, regionId: string, kinds: NotificationChannel['kinds']) =>
        upsertChannel(
          db,
          {
            id,
            kind: 'webhook',
            name,
            // Nothing listens on the discard port: each attempt fails and is logged.
            url: 'http://127.0.0.1:9/hook',
            secret: null,
            regionId,
            minSeverity: 'info',
            kinds,
            enabled: true,
          },
          { id: 'u-admin', name: 'admin' },
          clock,
        );
      await channel('wangjiang-robot', '望江街道群', 'S1', []);
      // On 湖滨: one channel asked for reports by name, one for escalations only.
      await channel('hubin-reports', '湖滨街道报告群', 'S2', ['report']);
      await channel('hubin-escalations', '湖滨街道升级群', 'S2', ['escalated']);
      // 湖滨's desk reads English: its notices come in English.
      await setPersonLocale(db, 'u-street2', 'en');
      clock = beijing(3, 10, 8);
      dayIds = await pass(db);
      // Run again in the same period: nothing new.
      expect(await pass(db)).toEqual([]);
      // The next Monday: the week's 周提示; Sunday gets no 日点评.
      clock = beijing(3, 16, 8);
      weekIds = await pass(db);
    } finally {
      await db.destroy();
    }
    [op, street1, street2, admin, worker] = [
      await env.login('op1'),
      await env.login('street1'),
      await env.login('street2'),
      await env.login('admin'),
      await env.login('worker01'),
    ];
  }, 120_000);
  afterAll(async () => env?.stop());

  const list = async (client: ApiClient, query = '') => {
    const answer = await client.call<ReportSummary[]>('GET', `/api/reports${query}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const find = async (kind: string, periodKey: string, regionId: string) =>
    (await list(op)).find((r) => r.kind === kind && r.periodKey === periodKey && r.regionId === regionId)!;

  it('makes each report once: Monday’s 日点评 for the district and both streets, then the week’s 周提示', async () => {
    expect(dayIds).toHaveLength(3);
    expect(weekIds).toHaveLength(3);
    const all = await list(op);
    const keys = (kind: string) =>
      all
        .filter((r) => r.kind === kind)
        .map((r) => `${r.periodKey} ${r.regionId}`)
        .sort();
    expect(keys('day')).toEqual(['2026-03-09 D1', '2026-03-09 S1', '2026-03-09 S2']);
    expect(keys('week')).toEqual([
      '2026-03-02 D1',
      '2026-03-02 S1',
      '2026-03-02 S2',
      '2026-03-09 D1',
      '2026-03-09 S1',
      '2026-03-09 S2',
    ]);
    expect(keys('month')).toEqual(['2026-02 D1', '2026-02 S1', '2026-02 S2']);
  });

  it('a day’s report: totals without the false alarm, 督办 cases, the slowest worker, rankings', async () => {
    const summary = await find('day', '2026-03-09', 'S1');
    const answer = await street1.call<ReportView>('GET', `/api/reports/${summary.id}`);
    expect(answer.status).toBe(200);
    const { content, names } = answer.body;
    expect(content.period).toEqual({
      kind: 'day',
      key: '2026-03-09',
      from: beijing(3, 9),
      to: beijing(3, 10),
    });
    expect(content.totals).toEqual({
      opened: 2,
      resolved: 1,
      overdue: 1,
      supervised: 1,
      excluded: { false_alarm: 1 },
    });
    expect(content.rates.solvedRate).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(content.supervisedCases).toEqual([
      {
        id: 'a2',
        title: '考核案件 a2',
        gridId: 'G02',
        supervisedAt: beijing(3, 9, 12),
        reason: '群众反映强烈',
      },
    ]);
    // worker03 still holds a2, due Monday 10:00; the report was made Tuesday 08:00: 22 h late.
    expect(content.slowest.worker[0]).toEqual({ key: 'u-worker03', delayMs: 22 * HOUR, overdue: 1 });
    const worker = (id: string) => content.units.worker.find((u) => u.key === id)!;
    // The return is worker01's, not the final assignee's.
    expect(worker('u-worker01')).toMatchObject({ returns: 1, counted: 1, excluded: { false_alarm: 1 } });
    expect(worker('u-worker02')).toMatchObject({ returns: 0, counted: 1 });
    expect(content.units.worker.map((u) => u.key)).not.toContain('u-worker13');
    expect(content.units.street.map((u) => u.key)).toEqual(['S1']);
    expect(names['u-worker03']).toMatch(/^网格员 /);
  });

  it('a week’s report covers the whole week, here both streets in the district', async () => {
    const week = await op.call<ReportView>(
      'GET',
      `/api/reports/${(await find('week', '2026-03-09', 'D1')).id}`,
    );
    expect(week.status).toBe(200);
    expect(week.body.content.period).toMatchObject({ from: beijing(3, 9), to: beijing(3, 16) });
    expect(week.body.content.totals).toMatchObject({ opened: 3, resolved: 2, excluded: { false_alarm: 1 } });
    expect(week.body.content.units.street.map((u) => u.key).sort()).toEqual(['S1', 'S2']);
    // Now 7 days later: worker03's delay has grown to Monday 16th 08:00.
    expect(week.body.content.slowest.worker[0]).toEqual({
      key: 'u-worker03',
      delayMs: beijing(3, 16, 8) - beijing(3, 9, 10),
      overdue: 1,
    });
  });

  it('a street’s desk sees only its street’s reports; others are not found; grid workers get 403', async () => {
    const mine = await list(street1);
    expect(mine.length).toBe(4);
    expect(new Set(mine.map((r) => r.regionId))).toEqual(new Set(['S1']));
    const district = await find('day', '2026-03-09', 'D1');
    const other = await find('day', '2026-03-09', 'S2');
    expect((await street1.call('GET', `/api/reports/${district.id}`)).status).toBe(404);
    expect((await street1.call('GET', `/api/reports/${other.id}/csv`)).status).toBe(404);
    expect((await list(street1, '?kind=week')).map((r) => r.periodKey).sort()).toEqual([
      '2026-03-02',
      '2026-03-09',
    ]);
    expect((await worker.call('GET', '/api/reports')).status).toBe(403);
    expect((await op.call('GET', '/api/reports?kind=year')).status).toBe(400);
    expect((await op.call('GET', '/api/reports/abc')).status).toBe(404);
    expect((await op.call('GET', '/api/reports/999999')).status).toBe(404);
  });

  it('downloads the rankings as CSV with names', async () => {
    const summary = await find('day', '2026-03-09', 'S1');
    const response = await fetch(`${env.baseUrl}/api/reports/${summary.id}/csv`, {
      headers: { cookie: street1.cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain('report-day-2026-03-09-S1.csv');
    const lines = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toMatch(/^level,rank,unit,name,score,/);
    expect(lines.some((l) => l.startsWith('worker,') && l.includes(',u-worker03,网格员 '))).toBe(true);
    expect(lines.some((l) => l.startsWith('street,1,S1,望江街道,'))).toBe(true);
  });

  it('downloads a report as PDF, refused outside the reader’s region like the CSV', async () => {
    const summary = await find('day', '2026-03-09', 'S1');
    const pdf = (client: ApiClient, id: number) =>
      fetch(`${env.baseUrl}/api/reports/${id}/pdf`, { headers: { cookie: client.cookie } });
    const response = await pdf(street1, summary.id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain('report-day-2026-03-09-S1.pdf');
    const body = Buffer.from(await response.arrayBuffer()).toString('latin1');
    expect(body.startsWith('%PDF-')).toBe(true);
    expect(body.match(/\/Type \/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    // The Chinese is drawn in an embedded CJK font, not a standard one that has no such glyphs.
    expect(body).toMatch(/\/FontFile2|\/FontFile3/);
    const other = await find('day', '2026-03-09', 'S2');
    expect((await pdf(street1, other.id)).status).toBe(404);
    expect((await pdf(worker, summary.id)).status).toBe(403);
    expect((await pdf(op, 999_999)).status).toBe(404);
  });

  it('queues each of the street’s reports to its channel, naming the 督办 cases', async () => {
    const summary = await find('day', '2026-03-09', 'S1');
    const db = await env.openState();
    try {
      const messages = await db
        .selectFrom('notification_messages')
        .selectAll()
        .where('group_key', '=', `report:${summary.id}`)
        .where('target_kind', '=', 'channel')
        .execute();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        target_kind: 'channel',
        target_id: 'wangjiang-robot',
        kind: 'report',
        title: '望江街道日点评（2026-03-09）',
      });
      expect(JSON.parse(messages[0]!.case_ids)).toEqual(['a2']);
      expect((JSON.parse(messages[0]!.lines) as string[])[0]).toBe(
        '立案 2 件，办结 1 件，超时 1 件，督办 1 件',
      );
      // The district's reports do not go to a street's channel.
      const district = await find('day', '2026-03-09', 'D1');
      const elsewhere = await db
        .selectFrom('notification_messages')
        .select('id')
        .where('group_key', '=', `report:${district.id}`)
        .where('target_kind', '=', 'channel')
        .execute();
      expect(elsewhere).toEqual([]);
      // 湖滨's report goes to the channel that asked for reports, not to the escalations one.
      const hubin = await db
        .selectFrom('notification_messages')
        .select('target_id')
        .where('group_key', '=', `report:${(await find('day', '2026-03-09', 'S2')).id}`)
        .where('target_kind', '=', 'channel')
        .execute();
      expect(hubin.map((m) => m.target_id)).toEqual(['hubin-reports']);
    } finally {
      await db.destroy();
    }
  });
  /** A reader's report notices, as the app lists them once the delivery worker has sent them. */
  const reportNotices = async (client: ApiClient) => {
    const answer = await client.call<NotificationView[]>('GET', '/api/notifications');
    expect(answer.status).toBe(200);
    return answer.body.filter((n) => n.kind === 'report');
  };
  const noticedReports = async (client: ApiClient) => (await reportNotices(client)).map((n) => n.reportId);
  // The platform's delivery worker sends what the pass queued on its next round.
  const DELIVERED = { timeout: 20_000, interval: 200 };

  it('tells each report’s readers in the app, in their own language, linking to the report', async () => {
    const [street, other, district] = [
      await find('day', '2026-03-09', 'S1'),
      await find('day', '2026-03-09', 'S2'),
      await find('day', '2026-03-09', 'D1'),
    ];
    await expect.poll(() => noticedReports(street1), DELIVERED).toContain(street.id);
    expect((await reportNotices(street1)).find((n) => n.reportId === street.id)).toMatchObject({
      title: '望江街道日点评（2026-03-09）',
      lines: ['立案 2 件，办结 1 件，超时 1 件，督办 1 件'],
      caseIds: [],
      severity: 'info',
    });
    // 湖滨's desk chose English.
    await expect.poll(() => noticedReports(street2), DELIVERED).toContain(other.id);
    const english = (await reportNotices(street2)).find((n) => n.reportId === other.id)!;
    expect(english.title).toBe('Daily comment of 湖滨街道 (2026-03-09)');
    expect(english.lines[0]).toMatch(/^\d+ opened, \d+ resolved, \d+ overdue, \d+ supervised$/);
    // Each hears of its own region's reports only: the desk not of the district's or the other
    // street's, the command centre of the district's and no street's.
    expect(await noticedReports(street1)).not.toContain(other.id);
    expect(await noticedReports(street1)).not.toContain(district.id);
    await expect.poll(() => noticedReports(op), DELIVERED).toContain(district.id);
    expect(await noticedReports(op)).not.toContain(street.id);
    expect(await noticedReports(admin)).toContain(district.id);
    // A grid worker reads no reports and is told of none.
    expect(await reportNotices(worker)).toEqual([]);
  });

  it('shows where a report went: each channel’s outcome (the reason only to the log’s readers) and its readers', async () => {
    const deliveries = async (client: ApiClient, id: number) => {
      const answer = await client.call<ReportView>('GET', `/api/reports/${id}`);
      expect(answer.status).toBe(200);
      return answer.body.deliveries;
    };
    const street = await find('day', '2026-03-09', 'S1');
    // Nothing listens at the channel's address: its first attempt fails and is logged.
    await expect
      .poll(async () => {
        const seen = await deliveries(admin, street.id);
        return (seen.channels[0]?.attempts ?? 0) > 0 && seen.inApp.sent === 1;
      }, DELIVERED)
      .toBe(true);
    const [channel] = (await deliveries(admin, street.id)).channels;
    expect(channel).toMatchObject({ channelId: 'wangjiang-robot', channelName: '望江街道群', sentAt: null });
    expect(['pending', 'failed']).toContain(channel!.status);
    expect(channel!.lastError).toEqual(expect.any(String));
    // The same as a key: the system's own words are its parameter, which the console shows as said.
    expect(channel!.lastErrorText).toEqual({
      key: 'delivery.error',
      params: { message: channel!.lastError },
    });
    // The street's desk sees the outcome but not the failure's detail (the delivery log is the
    // administrators').
    const desk = await deliveries(street1, street.id);
    expect(desk.channels).toEqual([
      expect.objectContaining({
        channelId: 'wangjiang-robot',
        channelName: '望江街道群',
        lastError: null,
        lastErrorText: null,
      }),
    ]);
    expect(desk.channels[0]!.attempts).toBeGreaterThan(0);
    expect(desk.inApp).toEqual({ queued: 1, sent: 1 });
    // The district's report went to no channel, and to the district's three readers.
    const district = await deliveries(op, (await find('day', '2026-03-09', 'D1')).id);
    expect(district.channels).toEqual([]);
    expect(district.inApp.queued).toBe(3);
  });
});
