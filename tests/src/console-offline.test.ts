import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDetailView, CaseView } from '@gridsense/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * The grid worker's phone in a basement: with the network switched off it accepts one case and
 * resolves it with a photo, accepts another, and after a reload still shows its cases (the
 * service worker's shell, the phone's copy) and its outbox. Meanwhile the command centre
 * re-dispatches the second case. Back online the outbox drains in order: the first case's moves
 * are made once, with the photo; the second answers with the server's reason, shown on its item.
 */

/** A 1×1 PNG, small enough for the phone to keep as it is. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const SITE = { lat: 30.262, lng: 120.155 };

describe.skipIf(chromiumTestMode() === 'skip')("the grid worker's phone offline, in real Chromium", () => {
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

  async function hotlineCase(title: string): Promise<CaseView> {
    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title,
      description: `${title}（来电反映）`,
      category: 'electrical_safety',
      severity: 'warning',
      location: SITE,
      address: '幸福路 12 号',
      callerName: '吴芳',
      callerPhone: '13500004444',
    });
    expect(call.status).toBe(201);
    return call.body.case;
  }

  const items = (page: Page) =>
    page.evaluate(`[...document.querySelectorAll('[data-testid="outbox-item"]')].map((li) => ({
      state: li.dataset.state,
      text: li.textContent.replace(/\\s+/g, ' ').trim(),
    }))`) as Promise<{ state: string; text: string }[]>;

  async function phoneProblems(page: Page): Promise<string> {
    // While the live connection is down the countdowns are dimmed on purpose (stale, App.svelte).
    return describeViolations(seriousViolations(await findAxeViolations(page, ['[data-testid="deadline"]'])));
  }

  it('queues accept and resolve with a photo offline, survives a reload, drains in order and shows a re-dispatch', async () => {
    const first = await hotlineCase('地下室楼道堆物');
    const second = await hotlineCase('电梯厅灯不亮');
    expect(second.assigneeId).toBe(first.assigneeId);
    const username = first.assigneeId!.replace(/^u-/, '');

    const context: BrowserContext = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId(`case-${first.id}`).waitFor();
    await page.getByTestId(`case-${second.id}`).waitFor();
    // The shell is kept once the service worker controls the page.
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 20_000 });
    const manifest = await page.evaluate(`fetch('/manifest.webmanifest').then((r) => r.json())`);
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/' });

    // In the basement.
    await context.setOffline(true);
    await page.getByTestId(`case-${first.id}`).getByTestId('action-accept').click();
    await expect.poll(() => items(page)).toHaveLength(1);
    expect(await page.getByTestId(`case-${first.id}`).getAttribute('data-state')).toBe('accepted');
    await page.getByTestId(`case-${first.id}`).getByTestId('queued-moves').waitFor();

    // Resolve with a photo: the photo stays on the phone.
    await page.getByTestId(`case-${first.id}`).locator('h2 a').click();
    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('action-resolve').click();
    await page.getByTestId('resolve-note').fill('已清理堆放杂物，楼道畅通');
    await page
      .getByTestId('resolve-photo')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-testid="resolve-photo-thumb"][data-held]').waitFor();
    await page.getByTestId('resolve-submit').click();
    await expect.poll(() => page.getByTestId('queued-moves').getAttribute('data-count')).toBe('2');

    await page.evaluate(`location.hash = '#/my'`);
    await page.getByTestId(`case-${second.id}`).getByTestId('action-accept').click();
    await expect
      .poll(async () => (await items(page)).map((item) => item.state))
      .toEqual(['queued', 'queued', 'queued']);

    // A reload with no network: the shell, the phone's copy of the cases and the outbox.
    await page.reload();
    await page.getByTestId('offline-banner').waitFor();
    expect(Number(await page.getByTestId('offline-banner').getAttribute('data-as-of'))).toBeGreaterThan(0);
    await page.getByTestId(`case-${second.id}`).waitFor();
    expect(await page.getByTestId(`case-${second.id}`).getAttribute('data-state')).toBe('accepted');
    expect((await items(page)).map((item) => item.state)).toEqual(['queued', 'queued', 'queued']);
    expect(await page.getByTestId('outbox-count-queued').getAttribute('data-count')).toBe('3');
    expect(await phoneProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-offline-outbox.png'), fullPage: true });

    // Meanwhile the command centre gives the second case to someone else.
    const other = first.assigneeId === 'u-worker02' ? 'u-worker01' : 'u-worker02';
    const moved = await op.call<CaseView>('POST', `/api/cases/${second.id}/actions`, {
      action: 'dispatch',
      assigneeId: other,
      note: 'A 角外出，改派 B 角',
    });
    expect(moved.body).toMatchObject({ state: 'dispatched', assigneeId: other });

    // Back up the stairs: the outbox drains in order.
    await context.setOffline(false);
    await expect
      .poll(async () => (await items(page)).map((item) => item.state), { timeout: 20_000 })
      .toEqual(['sent', 'sent', 'refused']);
    const refused = (await items(page))[2]!;
    expect(refused.text).toContain('服务器未接受：网格员无权对此工单执行“签收”');
    expect(await page.getByTestId('outbox-reason').textContent()).toContain('签收');

    const detail = await op.call<CaseDetailView>('GET', `/api/cases/${first.id}`);
    expect(detail.body.case.state).toBe('resolved');
    const moves = detail.body.timeline.map((entry) => entry.action);
    expect(moves.filter((action) => action === 'accept')).toHaveLength(1);
    expect(moves.filter((action) => action === 'resolve')).toHaveLength(1);
    const resolve = detail.body.timeline.find((entry) => entry.action === 'resolve')!;
    expect(resolve.data?.photos).toEqual([expect.stringMatching(/^\/api\/photos\//)]);
    const secondNow = await op.call<CaseDetailView>('GET', `/api/cases/${second.id}`);
    expect(secondNow.body.case).toMatchObject({ state: 'dispatched', assigneeId: other });

    await expect.poll(() => page.getByTestId('offline-banner').count()).toBe(0);
    expect(await phoneProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-outbox-drained.png'), fullPage: true });

    // Seen: the worker clears the settled items; nothing else is left.
    await page.getByTestId('outbox-clear').click();
    await expect.poll(() => items(page)).toEqual([]);
    await context.close();
  });
});
