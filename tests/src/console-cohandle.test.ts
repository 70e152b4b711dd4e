import type { CaseDetailView, CaseView } from '@gridsense/core';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAutomatically } from './harness/auto-register';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow } from './harness/phone-checks';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * 协办 as people see it on their phones: worker01 leads a case and asks the city management
 * bureau to co-handle; the case cannot be resolved while the report is owed; the bureau's handler
 * finds the sub-task in 我的任务, accepts it and reports back with a photo; the lead resolves.
 */
describe.skipIf(chromiumTestMode() === 'skip')('协办 in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    // 协办 is the subject: a worker's own 市政设施 find is registered and comes back to them taken.
    await registerAutomatically(await env.login('admin'), 'facility');
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function phone(username: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: PHONE,
      locale: 'zh-CN',
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

  const detailOf = async (page: Page, id: string) =>
    (await page.evaluate(`fetch('/api/cases/${id}').then((r) => r.json())`)) as CaseDetailView;

  it('add → accept → report → the lead resolves', async () => {
    const api = await env.login('worker01');
    const filed = await api.call<{ case: CaseView }>('POST', '/api/cases/reports', {
      title: '商铺货物占用消防通道',
      description: '5 号楼北侧消防通道被货物占用',
      category: 'facility',
      severity: 'info',
      location: { lat: 30.262, lng: 120.155 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    });
    expect(filed.body.case).toMatchObject({ state: 'accepted', assigneeId: 'u-worker01' });
    const caseId = filed.body.case.id;

    // The lead asks the city management bureau to co-handle, within two working days.
    const lead = await phone('worker01');
    await lead.goto(`${env.baseUrl}/#/cases/${caseId}`);
    const panel = lead.getByTestId('case-subtasks');
    await panel.waitFor();
    await panel.getByTestId('cohandler-add').click();
    const form = panel.getByTestId('cohandler-form');
    expect(await form.getByTestId('cohandler-submit').isDisabled()).toBe(true);
    await form.getByTestId('cohandler-who').selectOption('department:dept-cgj');
    await form.getByTestId('cohandler-task').fill('依法清理占道货物');
    await form.getByTestId('cohandler-days').fill('2');
    expect(await form.getByTestId('cohandler-required').isChecked()).toBe(true);
    const added = lead.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/subtasks`));
    await form.getByTestId('cohandler-submit').click();
    expect((await added).status()).toBe(201);
    const subtask = panel.getByTestId('subtask');
    await subtask.waitFor();
    expect(await subtask.getAttribute('data-state')).toBe('created');
    expect(await subtask.getAttribute('data-assignee')).toBe('u-cgj1');
    expect(await subtask.getByTestId('subtask-state').innerText()).toBe('待签收');
    expect(await subtask.getByTestId('subtask-clock').innerText()).toMatch(/^剩余 /);
    expect(await panel.getByTestId('subtasks-missing').innerText()).toContain(
      '还有 1 项必需的协办反馈未提交',
    );
    expect((await findHorizontalOverflow(lead)).culprits).toEqual([]);
    await expectNoSeriousViolations(lead);
    await lead.screenshot({ path: path.join(SCREENSHOTS, 'cohandle-added.png'), fullPage: true });

    // Resolving now is refused with the reason, in Chinese.
    await lead.getByTestId('action-resolve').click();
    await lead.getByTestId('resolve-note').fill('已清理');
    await lead.getByTestId('resolve-submit').click();
    await expect
      .poll(async () => (await lead.getByRole('alert').allInnerTexts()).join(' '))
      .toContain('还有 1 项必需的协办反馈未提交，暂不能办结');
    expect((await detailOf(lead, caseId)).case.state).toBe('accepted');

    // The co-handler finds it in 我的任务, accepts it and reports back with a photo.
    const handler = await phone('cgj1');
    await handler.goto(`${env.baseUrl}/#/my`);
    const mine = handler.locator(`[data-testid="my-subtask"][data-case="${caseId}"]`);
    await mine.waitFor();
    expect(await mine.innerText()).toContain('依法清理占道货物');
    await mine.getByRole('link').click();
    const own = handler.getByTestId('case-subtasks').getByTestId('subtask');
    await own.getByTestId('subtask-accept').click();
    await expect.poll(() => own.getAttribute('data-state')).toBe('accepted');
    await own.getByTestId('subtask-report').click();
    const report = own.getByTestId('subtask-report-form');
    await report.getByTestId('subtask-report-note').fill('占道货物已清理，已对商铺出具整改通知');
    const uploaded = handler.waitForResponse((r) => r.url().endsWith('/api/photos'));
    await report.getByTestId('subtask-report-photo').setInputFiles({
      name: 'IMG_0002.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    expect((await uploaded).status()).toBe(201);
    await report.getByTestId('subtask-report-photo-thumb').waitFor();
    await expectNoSeriousViolations(handler);
    await handler.screenshot({ path: path.join(SCREENSHOTS, 'cohandle-report.png'), fullPage: true });
    await report.getByTestId('subtask-report-submit').click();
    await expect.poll(() => own.getAttribute('data-state')).toBe('reported');
    expect(await own.getByTestId('subtask-reported').innerText()).toBe(
      '占道货物已清理，已对商铺出具整改通知',
    );
    await handler.context().close();

    // Back on the lead's phone the report is in, and the case resolves.
    await lead.reload();
    await expect.poll(() => lead.getByTestId('subtask').getAttribute('data-state')).toBe('reported');
    expect(await lead.getByTestId('subtasks-missing').count()).toBe(0);
    const entry = lead.locator('[data-testid="timeline-entry"][data-action="subtask_reported"]');
    await entry.waitFor();
    expect(await entry.innerText()).toContain('协办反馈');
    expect(await entry.locator('img').count()).toBe(1);
    await lead.getByTestId('action-resolve').click();
    await lead.getByTestId('resolve-note').fill('通道已畅通');
    const resolved = lead.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/actions`));
    await lead.getByTestId('resolve-submit').click();
    expect((await resolved).status()).toBe(200);
    expect((await detailOf(lead, caseId)).case.state).toBe('resolved');
    await lead.screenshot({ path: path.join(SCREENSHOTS, 'cohandle-resolved.png'), fullPage: true });
    await lead.context().close();
  });
});
