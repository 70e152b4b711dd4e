import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDetailView, CaseSubtaskView, CaseView } from '@gridsense/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * A co-handler's phone in a basement: the city management bureau's handler has accepted a 协办
 * sub-task, loses the network, and reports back with a note and a photo taken there. The report
 * waits in the outbox (the sub-task shows as reported meanwhile); back online it is sent once,
 * the photo uploaded first, and the lead's case shows the report with its photo.
 */

/** A 1×1 PNG, small enough for the phone to keep as it is. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(chromiumTestMode() === 'skip')("a co-handler's 协办 report offline, in real Chromium", () => {
  let env: TestPlatform;
  let consoleDir: string;
  let browser: Browser;
  let op: ApiClient;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    op = await env.login('op1');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('queues the report with its photo offline and sends it once the network is back', async () => {
    // worker01 leads a case; the desk asks the city management bureau to co-handle it.
    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '商铺货物占用消防通道',
      description: '5 号楼北侧消防通道被货物占用（来电反映）',
      category: 'facility',
      severity: 'warning',
      gridId: 'G01',
      assigneeId: 'u-worker01',
      overrideNote: '熟悉该路段',
      callerName: '吴芳',
      callerPhone: '13500004444',
    });
    expect(call.status).toBe(201);
    const caseId = call.body.case.id;
    const worker = await env.login('worker01');
    expect((await worker.call('POST', `/api/cases/${caseId}/actions`, { action: 'accept' })).status).toBe(
      200,
    );
    const added = await op.call<CaseSubtaskView[]>('POST', `/api/cases/${caseId}/subtasks`, {
      departmentId: 'dept-cgj',
      task: '依法清理占道货物',
      days: 2,
    });
    expect(added.status).toBe(201);
    const [subtask] = added.body;
    expect(subtask).toMatchObject({ assigneeId: 'u-cgj1', state: 'created' });

    const context = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'cgj1');
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/#/cases/${caseId}`);
    const entry = page.getByTestId('case-subtasks').getByTestId('subtask');
    await entry.waitFor();
    // Accepted on the way there, with the network.
    await entry.getByTestId('subtask-accept').click();
    await expect.poll(() => entry.getAttribute('data-state')).toBe('accepted');

    // In the basement: the report and its photo stay on the phone.
    await context.setOffline(true);
    await entry.getByTestId('subtask-report').click();
    await page.getByTestId('subtask-report-note').fill('货物已清走，通道畅通');
    await page
      .getByTestId('subtask-report-photo')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-testid="subtask-report-photo-thumb"][data-held]').waitFor();
    await page.getByTestId('subtask-report-submit').click();
    await entry.getByTestId('subtask-queued').waitFor();
    // Shown as it will be: reported, nothing more to do on it here.
    expect(await entry.getAttribute('data-state')).toBe('reported');
    expect(await entry.getByTestId('subtask-report').count()).toBe(0);
    // Not rated while the report waits on the phone: the server does not have it yet.
    expect(await entry.getByTestId('subtask-rating').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'cohandler-offline-report.png'), fullPage: true });
    // Nothing reached the server yet.
    const before = await op.call<CaseSubtaskView[]>('GET', `/api/cases/${caseId}/subtasks`);
    expect(before.body[0]).toMatchObject({ state: 'accepted', reportNote: null });

    // The phone's outbox lists it, with its photo.
    await page.evaluate(`location.hash = '#/my'`);
    const outboxItem = page.getByTestId('outbox-item');
    await outboxItem.waitFor();
    expect(await outboxItem.getAttribute('data-state')).toBe('queued');
    expect(await outboxItem.innerText()).toContain('协办反馈 · 商铺货物占用消防通道');
    expect(await outboxItem.innerText()).toContain('1 张照片');

    // Back up the stairs: the photo is uploaded, then the report is sent, once.
    await context.setOffline(false);
    await expect.poll(() => outboxItem.getAttribute('data-state'), { timeout: 20_000 }).toBe('sent');
    const after = await op.call<CaseSubtaskView[]>('GET', `/api/cases/${caseId}/subtasks`);
    expect(after.body[0]).toMatchObject({
      state: 'reported',
      reportNote: '货物已清走，通道畅通',
      reportPhotos: [expect.stringMatching(/^\/api\/photos\//)],
    });
    const detail = await op.call<CaseDetailView>('GET', `/api/cases/${caseId}`);
    expect(detail.body.timeline.filter((e) => e.action === 'subtask_reported')).toHaveLength(1);

    // The case page shows the server's word now: reported, with the uploaded photo.
    await page.evaluate(`location.hash = '#/cases/${caseId}'`);
    await entry.getByTestId('subtask-reported').waitFor();
    expect(await entry.getAttribute('data-state')).toBe('reported');
    expect(await entry.getByTestId('subtask-queued').count()).toBe(0);
    expect(await entry.locator('img').getAttribute('src')).toMatch(/^\/api\/photos\//);
    await context.close();
  });
});
