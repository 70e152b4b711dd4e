import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PlaceRiskRules } from '@gridsense/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow } from './harness/phone-checks';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/**
 * The district administrator tunes the places' level rules and inspection frequency in a form:
 * a threshold below another is refused in Chinese under its field; points that make one failed
 * inspection enough for red turn the market red at once, and the page says why. A grid worker
 * reads the same rules but has no form. The demo's market (place-G01) failed its last inspection.
 */
describe.skipIf(chromiumTestMode() === 'skip')('place level rules in real Chromium', () => {
  let consoleDir: string;
  let env: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function placesOf(
    username: string,
    options: { locale?: 'zh-CN' | 'en'; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    const context = await browser.newContext({
      locale: options.locale ?? 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...(options.viewport ? { viewport: options.viewport, isMobile: true, hasTouch: true } : {}),
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/#/places`);
    await page.getByTestId('place-rules-summary').waitFor();
    return page;
  }

  it('refuses red below yellow under its field, then saves points that turn the market red', async () => {
    const page = await placesOf('admin');
    expect(await page.getByTestId('place-rules-summary').textContent()).toContain('满 3 分为黄，满 8 分为红');
    const market = page.locator('[data-testid="place-row"][data-place="place-G01"]');
    await market.waitFor();
    expect((await market.getByTestId('place-level').textContent())?.trim()).toBe('黄');

    await page.getByTestId('place-rules-edit').click();
    await page.getByTestId('place-rules-form').waitFor();
    await page.getByTestId('place-rules-red-from').fill('2');
    await page.getByTestId('place-rules-save').click();
    await expect
      .poll(() => page.locator('#place-rules-red-error').textContent())
      .toContain('redFrom 必须大于 yellowFrom');
    await expectNoSeriousViolations(page);
    await page
      .getByTestId('place-rules-form')
      .screenshot({ path: path.join(SCREENSHOTS, 'place-rules.png') });

    await page.getByTestId('place-rules-red-from').fill('8');
    await page.getByTestId('place-rules-point-failedInspection').fill('8');
    await page.getByTestId('place-rules-every-green').fill('10');
    await page.getByTestId('place-rules-save').click();
    await page.getByTestId('place-rules-form').waitFor({ state: 'detached' });
    expect(await page.getByTestId('place-rules-summary').textContent()).toContain('巡检不合格每次 8 分');
    expect(await page.getByTestId('place-rules-frequency').textContent()).toContain('绿色每 10 个工作日');
    // The levels are computed by the new rules as soon as the list reloads.
    await expect.poll(async () => (await market.getByTestId('place-level').textContent())?.trim()).toBe('红');
    expect(await market.getByTestId('place-why').textContent()).toBe('红：30 天内1 次巡检不合格');

    const admin = await env.login('admin');
    const { body } = await admin.call<PlaceRiskRules>('GET', '/api/place-rules');
    expect(body).toMatchObject({
      redFrom: 8,
      points: { failedInspection: 8 },
      inspectEveryWorkingDays: { green: 10 },
    });
    await page.context().close();
  });

  it('a grid worker reads the rules without a form; the form fits a 360 px phone in English', async () => {
    const worker = await placesOf('worker01');
    expect(await worker.getByTestId('place-rules-frequency').textContent()).toMatch(
      /^巡检频次：红色每 \d+ 个工作日/,
    );
    expect(await worker.getByTestId('place-rules-edit').count()).toBe(0);
    await worker.context().close();

    const page = await placesOf('admin', { locale: 'en', viewport: PHONE });
    await page.getByTestId('place-rules-edit').click();
    await page.getByTestId('place-rules-form').waitFor();
    expect(await page.getByTestId('place-rules-form').textContent()).toContain(
      'Per failed inspection (points)',
    );
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    await page.context().close();
  });
});
