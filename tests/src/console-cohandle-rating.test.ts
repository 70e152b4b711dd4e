import type { CaseCategoryNode, CaseSubtaskView, CaseView } from '@gridsense/core';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow } from './harness/phone-checks';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

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
 * 好差评 of 协办 as people see it: the city management bureau has reported on worker01's case;
 * worker01 rates the work on the case page; the bureau's handler finds the rating on 协办评价 with
 * the 好评率, rates the request back there, and reads the page in English too.
 */
describe.skipIf(chromiumTestMode() === 'skip')('协办好差评 in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    await registerFacilityAutomatically(env);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function phone(username: string, locale = 'zh-CN'): Promise<Page> {
    const context = await browser.newContext({
      viewport: PHONE,
      locale,
      timezoneId: 'Asia/Shanghai',
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    return page;
  }

  /** worker01's case in G01 with the bureau's report in (made over the API, as the phones would). */
  async function reportedCohandling(): Promise<{ caseId: string; subtaskId: number; handlerName: string }> {
    const worker = await env.login('worker01');
    const filed = await worker.call<{ case: CaseView }>('POST', '/api/cases/reports', {
      title: '商铺货物占用消防通道',
      description: '5 号楼北侧消防通道被货物占用',
      category: 'facility',
      severity: 'info',
      location: { lat: 30.262, lng: 120.155 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    });
    const caseId = filed.body.case.id;
    const added = await worker.call<CaseSubtaskView[]>('POST', `/api/cases/${caseId}/subtasks`, {
      departmentId: 'dept-cgj',
      task: '依法清理占道货物',
      days: 2,
    });
    const { id: subtaskId, assigneeId } = added.body[0]!;
    // The bureau's handler on duty (cgj1 or cgj2).
    const handlerName = assigneeId.replace(/^u-/, '');
    const handler = await env.login(handlerName);
    const move = (body: unknown) =>
      handler.call('POST', `/api/cases/${caseId}/subtasks/${subtaskId}/actions`, body);
    expect((await move({ action: 'accept' })).status).toBe(200);
    expect((await move({ action: 'report', note: '占道货物已清理' })).status).toBe(200);
    return { caseId, subtaskId, handlerName };
  }

  it('the lead rates the report; the department sees it with its 好评率 and rates the request back', async () => {
    const { caseId, subtaskId, handlerName } = await reportedCohandling();

    const lead = await phone('worker01');
    await lead.goto(`${env.baseUrl}/#/cases/${caseId}`);
    const subtask = lead.getByTestId('case-subtasks').getByTestId('subtask');
    await expect.poll(() => subtask.getAttribute('data-state')).toBe('reported');
    const rating = subtask.getByTestId('subtask-rating');
    expect(await rating.getByTestId('rating-lead').innerText()).toContain('未评价');
    // The lead rates the work, not the request.
    expect(await rating.getByTestId('rate-cohandler').count()).toBe(0);
    await rating.getByTestId('rate-lead').click();
    const form = rating.getByTestId('rating-form');
    expect(await form.getByTestId('rating-submit').isDisabled()).toBe(true);
    await form.getByTestId('rating-grade-good').check();
    await form.getByTestId('rating-comment').fill('清理及时，反馈清楚');
    const saved = lead.waitForResponse((r) => r.url().endsWith(`/subtasks/${subtaskId}/rating`));
    await form.getByTestId('rating-submit').click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => rating.getByTestId('rating-lead').getAttribute('data-grade')).toBe('good');
    expect(await rating.getByTestId('rating-lead').innerText()).toContain('好评');
    expect(await rating.getByTestId('rating-lead').innerText()).toContain('清理及时，反馈清楚');
    // Within the day the rater may still change it.
    expect(await rating.getByTestId('rate-lead').innerText()).toBe('修改评价');
    const entry = lead.locator('[data-testid="timeline-entry"][data-action="subtask_rated"]');
    await entry.waitFor();
    expect(await entry.getByTestId('timeline-rating').innerText()).toBe('对协办的评价：好评');
    expect((await findHorizontalOverflow(lead)).culprits).toEqual([]);
    await expectNoSeriousViolations(lead);
    await lead.screenshot({ path: path.join(SCREENSHOTS, 'cohandle-rated.png'), fullPage: true });
    await lead.context().close();

    // The bureau's handler finds it under 协办评价.
    const handler = await phone(handlerName);
    await handler.getByTestId('nav-ratings').click();
    const page = handler.getByTestId('ratings-page');
    await page.waitFor();
    expect(await page.getByTestId('ratings-subject').innerText()).toBe('部门：区城市管理局');
    const row = page.locator(`[data-testid="rated-subtask"][data-subtask="${subtaskId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('rating-lead').getAttribute('data-grade')).toBe('good');
    expect(await page.getByTestId('ratings-received-rate').innerText()).toBe('100.0%');
    expect(await page.getByTestId('ratings-received-counts').innerText()).toBe('好评 1 · 中评 0 · 差评 0');
    // The department rates the request back from the same page.
    expect(await row.getByTestId('rate-lead').count()).toBe(0);
    await row.getByTestId('rate-cohandler').click();
    await row.getByTestId('rating-grade-fair').check();
    await row.getByTestId('rating-comment').fill('地址可更具体');
    await row.getByTestId('rating-submit').click();
    await expect.poll(() => row.getByTestId('rating-cohandler').getAttribute('data-grade')).toBe('fair');
    expect(await page.getByTestId('ratings-given-counts').innerText()).toBe('好评 0 · 中评 1 · 差评 0');
    expect((await findHorizontalOverflow(handler)).culprits).toEqual([]);
    await expectNoSeriousViolations(handler);
    await handler.screenshot({ path: path.join(SCREENSHOTS, 'cohandle-ratings-page.png'), fullPage: true });
    await handler.context().close();

    // The same page in English.
    const english = await phone(handlerName, 'en-US');
    await english.goto(`${env.baseUrl}/#/ratings`);
    await english.getByTestId('ratings-page').waitFor();
    expect(await english.getByRole('heading', { level: 1 }).innerText()).toBe('Co-handling ratings');
    expect(await english.getByTestId('ratings-subject').innerText()).toBe('Department: 区城市管理局');
    const englishRow = english.locator(`[data-testid="rated-subtask"][data-subtask="${subtaskId}"]`);
    await englishRow.waitFor();
    expect(await englishRow.getByTestId('rating-lead').innerText()).toContain('Good');
    await english.context().close();
  });
});
