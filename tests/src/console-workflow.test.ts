import path from 'node:path';
import type { CaseDetailView, CaseView, NotificationView } from '@gridsense/core';
import { buildDemoDistrict } from '@gridsense/state';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';

/**
 * The case workflow as people see it: a return that needs a chosen reason, a returned case pinned
 * on the queue and not suggested back to who returned it, the 改派 form naming who holds the case,
 * 核查不通过 with a reason, closing as 误报 / 重复件, and a worker's own patrol report that comes
 * back taken (已签收) instead of waiting to be signed for.
 */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const district = buildDemoDistrict();
const nameOf = (userId: string): string => district.users.find((user) => user.id === userId)!.displayName;
const axeProblems = async (page: Page) =>
  describeViolations(seriousViolations(await findAxeViolations(page)));

async function caseDetail(page: Page, caseId: string): Promise<CaseDetailView> {
  return (await page.evaluate(`fetch('/api/cases/${caseId}').then((r) => r.json())`)) as CaseDetailView;
}

describe.skipIf(chromiumTestMode() === 'skip')('the case workflow in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('a return needs a chosen reason; the returned case is pinned, not suggested back, and the 改派 form names who holds it', async () => {
    const { cable } = fixture.cases;
    expect(cable).toMatchObject({ gridId: 'G03', assigneeId: 'u-worker05' });

    // The worker on a phone: no reason is preselected, so one tap does not return the case.
    const worker = await fixture.logIn('worker05', { viewport: PHONE });
    await worker.goto(`${fixture.env.baseUrl}/#/cases/${cable.id}`);
    await worker.getByTestId('action-return').click();
    await worker.getByTestId('return-form').waitFor();
    expect(await worker.getByTestId('return-reason').inputValue()).toBe('');
    expect(await worker.getByTestId('return-submit').isDisabled()).toBe(true);
    await worker.getByTestId('return-reason').selectOption('not_my_duty');
    await worker.getByTestId('return-note').fill('电缆归供电所管');
    expect(await worker.getByTestId('return-submit').isDisabled()).toBe(false);
    const returned = worker.waitForResponse((r) => r.url().endsWith(`/api/cases/${cable.id}/actions`));
    await worker.getByTestId('return-submit').click();
    expect((await returned).status()).toBe(200);
    expect((await caseDetail(worker, cable.id)).case).toMatchObject({
      state: 'returned',
      returnedById: 'u-worker05',
    });
    await worker.context().close();

    // The operator's queue, newest first: the returned case is on top whatever its age.
    const page = await fixture.logIn('op1');
    await page.getByTestId('nav-cases').click();
    const rows = page.locator('[data-testid="case-table"] tbody tr');
    await expect.poll(() => rows.first().getAttribute('data-testid')).toBe(`case-${cable.id}`);
    expect(await rows.first().getAttribute('data-pinned')).toBe('true');
    expect(await page.getByTestId(`pinned-${cable.id}`).textContent()).toContain('退单待重派');
    const newer = (await page.evaluate(`fetch('/api/cases').then((r) => r.json())`)) as CaseView[];
    expect(newer.some((view) => view.openedAt > cable.openedAt)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-queue-returned-pinned.png') });

    // The picker says who returned it and suggests someone else.
    await page.getByTestId(`queue-dispatch-${cable.id}`).click();
    await page.getByTestId('dispatch-form').waitFor();
    await expect
      .poll(() => page.getByTestId('dispatch-suggestion').getAttribute('data-user'))
      .toBe('u-worker06');
    expect(await page.getByTestId('dispatch-assignee').inputValue()).toBe('u-worker06');
    expect(await page.getByTestId('dispatch-holder').textContent()).toContain(
      `由 ${nameOf('u-worker05')} 退单`,
    );
    const offered = await page.getByTestId('dispatch-assignee').locator('option').allTextContents();
    expect(offered.find((text) => text.includes(nameOf('u-worker05')))).not.toContain('建议');
    const dispatched = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${cable.id}/actions`));
    await page.getByTestId('dispatch-submit').click();
    expect((await dispatched).status()).toBe(200);
    await expect.poll(async () => (await caseDetail(page, cable.id)).case.assigneeId).toBe('u-worker06');

    // 改派 of a held case: the form says who holds it now.
    await page.getByTestId('action-dispatch').click();
    await page.getByTestId('dispatch-form').waitFor();
    expect(await page.getByTestId('dispatch-holder').getAttribute('data-user')).toBe('u-worker06');
    expect(await page.getByTestId('dispatch-holder').textContent()).toContain(
      `当前处置人：${nameOf('u-worker06')}`,
    );
    expect(await axeProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-redispatch-holder.png'), fullPage: true });
    await page.context().close();
  });

  it('a supervisor fails verification with a reason (核查不通过): the case is back in progress with its handler', async () => {
    const { smoke } = fixture.cases;
    const worker = await fixture.env.login(smoke.assigneeId!.replace(/^u-/, ''));
    const act = (body: unknown) => worker.call<CaseView>('POST', `/api/cases/${smoke.id}/actions`, body);
    expect((await act({ action: 'accept' })).status).toBe(200);
    const photo = await worker.call<{ url: string }>('POST', '/api/photos', PNG);
    expect(photo.status).toBe(201);
    const resolved = await act({ action: 'resolve', note: '已处置', photos: [photo.body.url] });
    expect(resolved.body.state).toBe('resolved');

    const page = await fixture.logIn('sup1');
    await page.goto(`${fixture.env.baseUrl}/#/cases/${smoke.id}`);
    await page.getByTestId('action-verify').waitFor();
    await page.getByTestId('action-reject').click();
    await page.getByTestId('reject-form').waitFor();
    expect(await page.getByTestId('reject-submit').isDisabled()).toBe(true);
    await page.getByTestId('reject-note').fill('烟感仍在报警，现场未复位');
    expect(await axeProblems(page)).toBe('');
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${smoke.id}/actions`));
    await page.getByTestId('reject-submit').click();
    expect((await answer).status()).toBe(200);
    const entry = page.locator('[data-testid="timeline-entry"][data-action="reject"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('核查不通过');
    expect(await entry.textContent()).toContain('烟感仍在报警，现场未复位');
    expect(await entry.textContent()).toContain('处置中');
    expect(await page.getByTestId('action-verify').count()).toBe(0);
    expect((await caseDetail(page, smoke.id)).case).toMatchObject({
      state: 'in_progress',
      assigneeId: smoke.assigneeId,
      resolvedAt: null,
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'supervisor-reject.png'), fullPage: true });
    await page.context().close();
  });

  it('a worker pauses with a reason and resumes; a supervisor blows the whistle (吹哨); a callback that finds it unsolved reopens the case', async () => {
    const { gas } = fixture.cases;
    const username = gas.assigneeId!.replace(/^u-/, '');
    const api = await fixture.env.login(username);
    const act = (body: unknown) => api.call<CaseView>('POST', `/api/cases/${gas.id}/actions`, body);
    expect((await act({ action: 'accept' })).status).toBe(200);
    const timelineEntry = (page: Page, action: string) =>
      page.locator(`[data-testid="timeline-entry"][data-action="${action}"]`);
    const submitted = async (page: Page, testId: string) => {
      const answer = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${gas.id}/actions`));
      await page.getByTestId(testId).click();
      expect((await answer).status()).toBe(200);
    };

    // The worker on a phone: a pause needs its reason; resume is offered in its place.
    const worker = await fixture.logIn(username, { viewport: PHONE });
    await worker.goto(`${fixture.env.baseUrl}/#/cases/${gas.id}`);
    await worker.getByTestId('action-pause').click();
    await worker.getByTestId('pause-form').waitFor();
    expect(await worker.getByTestId('pause-submit').isDisabled()).toBe(true);
    await worker.getByTestId('pause-note').fill('燃气公司抢修中，等待停气');
    await submitted(worker, 'pause-submit');
    await timelineEntry(worker, 'pause').waitFor();
    expect(await timelineEntry(worker, 'pause').textContent()).toContain('燃气公司抢修中，等待停气');
    expect(await worker.getByTestId('action-pause').count()).toBe(0);
    await submitted(worker, 'action-resume');
    await timelineEntry(worker, 'resume').waitFor();
    expect((await caseDetail(worker, gas.id)).case).toMatchObject({ pausedAt: null, pauseReason: null });
    await worker.context().close();

    // The supervisor sends it one level up, with why.
    const supervisor = await fixture.logIn('sup1');
    await supervisor.goto(`${fixture.env.baseUrl}/#/cases/${gas.id}`);
    await supervisor.getByTestId('action-escalate').click();
    await supervisor.getByTestId('escalate-note').fill('涉及多户燃气管道，需街道协调');
    expect(await axeProblems(supervisor)).toBe('');
    await submitted(supervisor, 'escalate-submit');
    await timelineEntry(supervisor, 'escalate').waitFor();
    expect((await caseDetail(supervisor, gas.id)).case.escalationLevel).toBe('community');
    await supervisor.context().close();

    // Resolved and verified, then the callback: not solved, so why is required, and it reopens.
    const photo = await api.call<{ url: string }>('POST', '/api/photos', PNG);
    expect((await act({ action: 'resolve', note: '已关阀通风', photos: [photo.body.url] })).status).toBe(200);
    const op = await fixture.logIn('op1');
    const verified = await op.evaluate(
      `fetch('/api/cases/${gas.id}/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'verify' }) }).then((r) => r.status)`,
    );
    expect(verified).toBe(200);
    await op.goto(`${fixture.env.baseUrl}/#/cases/${gas.id}`);
    await op.getByTestId('action-feedback').click();
    await op.getByTestId('feedback-form').waitFor();
    await op.getByTestId('feedback-satisfaction-2').check();
    await op.getByTestId('feedback-solved-no').check();
    expect(await op.getByTestId('feedback-submit').isDisabled()).toBe(true);
    await op.getByTestId('feedback-comment').fill('居民反映仍有燃气味');
    expect(await axeProblems(op)).toBe('');
    await submitted(op, 'feedback-submit');
    await timelineEntry(op, 'feedback').waitFor();
    // Reopened, then dispatched again by the dispatch rules, as a reopened case is.
    const detail = await caseDetail(op, gas.id);
    expect(detail.case).toMatchObject({ state: 'dispatched', satisfaction: 2, resolvedAt: null });
    expect(detail.timeline.find((e) => e.action === 'feedback')).toMatchObject({
      fromState: 'verified',
      toState: 'reopened',
      note: '居民反映仍有燃气味',
    });
    await op.screenshot({ path: path.join(SCREENSHOTS, 'callback-reopened.png'), fullPage: true });
    await op.context().close();
  });

  it('an operator closes a case as a duplicate of another (linked both ways) and one as a false alarm, each with what it needs', async () => {
    const op = await fixture.env.login('op1');
    const hotline = async (title: string, gridId: string) => {
      const filed = (
        await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
          title,
          description: `${title}（来电反映）`,
          category: 'city_appearance',
          severity: 'warning',
          gridId,
          callerName: '郑丽',
          callerPhone: '13800005555',
        })
      ).body.case;
      // 市容 waits for 立案: the operator registers it and the rule list routes it.
      return (await op.call<CaseView>('POST', `/api/cases/${filed.id}/actions`, { action: 'register' })).body;
    };
    const original = await hotline('商铺门前占道堆物', 'G02');
    const copy = await hotline('商铺门前占道堆物（再次来电）', 'G02');
    const noise = await hotline('夜间施工噪声', 'G04');

    // The worker holding it is not offered the close.
    const worker = await fixture.logIn(copy.assigneeId!.replace(/^u-/, ''), { viewport: PHONE });
    await worker.goto(`${fixture.env.baseUrl}/#/cases/${copy.id}`);
    await worker.getByTestId('action-accept').waitFor();
    expect(await worker.getByTestId('action-void').count()).toBe(0);
    await worker.context().close();

    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/cases/${copy.id}`);
    await page.getByTestId('action-void').click();
    await page.getByTestId('void-form').waitFor();
    expect(await page.getByTestId('void-reason').inputValue()).toBe('');
    expect(await page.getByTestId('void-submit').isDisabled()).toBe(true);
    await page.getByTestId('void-reason').selectOption('duplicate');
    expect(await page.getByTestId('void-submit').isDisabled()).toBe(true);
    await page.getByTestId('void-duplicate-of').fill(original.id);
    expect(await axeProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-close-duplicate.png'), fullPage: true });
    const closed = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${copy.id}/actions`));
    await page.getByTestId('void-submit').click();
    expect((await closed).status()).toBe(200);
    await page.getByTestId('closed-as').waitFor();
    expect(await page.getByTestId('closed-as').textContent()).toContain('关闭原因：重复工单');
    const voided = page.locator('[data-testid="timeline-entry"][data-action="void"]');
    expect(await voided.textContent()).toContain('重复工单');
    // The link leads to the case it repeats, whose timeline names the duplicate.
    await page.getByTestId('duplicate-of').click();
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe(original.title);
    const linked = page.locator('[data-testid="timeline-entry"][data-action="duplicate_linked"]');
    await linked.waitFor();
    expect(await linked.textContent()).toContain('关联重复件');
    expect((await caseDetail(page, original.id)).case.state).toBe(original.state);

    // A false alarm needs a note.
    await page.goto(`${fixture.env.baseUrl}/#/cases/${noise.id}`);
    await page.getByTestId('action-void').click();
    await page.getByTestId('void-reason').selectOption('false_alarm');
    expect(await page.getByTestId('void-submit').isDisabled()).toBe(true);
    await page.getByTestId('void-note').fill('核实为白天施工，来电人记错时间');
    const falseAlarm = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${noise.id}/actions`));
    await page.getByTestId('void-submit').click();
    expect((await falseAlarm).status()).toBe(200);
    await page.getByTestId('closed-as').waitFor();
    expect(await page.getByTestId('closed-as').textContent()).toContain('误报');
    expect((await caseDetail(page, noise.id)).case).toMatchObject({
      state: 'closed',
      closeReason: 'false_alarm',
      resolvedAt: null,
    });

    // The analytics page counts them apart: closed unhandled, per reason, never as 办结.
    await page.getByTestId('nav-analytics').click();
    const voidedCard = page.getByTestId('stat-voided');
    await voidedCard.waitFor();
    const count = async (reason: string) =>
      Number(/\d+$/.exec((await voidedCard.locator(`[data-reason="${reason}"]`).textContent()) ?? '')?.[0]);
    expect(await count('duplicate')).toBeGreaterThanOrEqual(1);
    expect(await count('false_alarm')).toBeGreaterThanOrEqual(1);
    const total = Number(await voidedCard.locator('dd').first().textContent());
    expect(total).toBe((await count('void')) + (await count('false_alarm')) + (await count('duplicate')));
    expect(await voidedCard.locator('dt').textContent()).toBe('未办结关闭');
    await page.context().close();
  });

  it("a worker's own patrol report opens taken (已签收): nothing to sign for and no alarm", async () => {
    const page = await fixture.logIn('worker01', { viewport: PHONE });
    await page.goto(`${fixture.env.baseUrl}/#/report`);
    await page.getByTestId('report-title').fill('消防通道堆放杂物');
    await page.getByTestId('report-description').fill('3 号楼消防通道堆放纸箱');
    await page.getByTestId('report-category').selectOption('city_appearance');
    await page
      .getByTestId('report-photo')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('report-photo-thumb').waitFor();
    const grid = page.getByTestId('location-grid-G01');
    const box = (await grid.boundingBox())!;
    await grid.click({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
    await expect.poll(() => page.getByTestId('report-grid').getAttribute('data-grid')).toBe('G01');
    // 自发自处: on duty in G01, they handle what they found.
    await page.getByTestId('report-self').check();
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/cases/reports'));
    await page.getByTestId('report-submit').click();
    const response = await answer;
    expect(response.status()).toBe(201);
    const filed = ((await response.json()) as { case: CaseView }).case;
    expect(filed).toMatchObject({ assigneeId: 'u-worker01', state: 'accepted' });

    // The case page: taken, the next step offered, no 签收 button.
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe('消防通道堆放杂物');
    await page.getByTestId('action-arrive').waitFor();
    expect(await page.getByTestId('action-accept').count()).toBe(0);
    expect(await page.locator('.detail header.card').textContent()).toContain('已签收');
    // No alarm: once a later push (到达, made elsewhere) has reached the page, none beeped.
    const elsewhere = await fixture.env.login('worker01');
    const arrived = await elsewhere.call('POST', `/api/cases/${filed.id}/actions`, { action: 'arrive' });
    expect(arrived.status).toBe(200);
    await expect.poll(() => page.locator('.detail header.card').textContent()).toContain('处置中');
    expect(await page.locator('html').getAttribute('data-beeps')).toBeNull();
    const notices = (await page.evaluate(`fetch('/api/notifications').then((r) => r.json())`)) as
      NotificationView[] | { notices: NotificationView[] };
    const list = Array.isArray(notices) ? notices : notices.notices;
    expect(list.filter((notice) => notice.caseIds.includes(filed.id))).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-own-report-taken.png'), fullPage: true });
    await page.context().close();
  });
});
