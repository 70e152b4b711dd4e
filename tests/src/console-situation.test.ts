import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SeriesPoint } from '@gridsense/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn, SCREENSHOTS } from './harness/console-fixture';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

const DAY = 86_400_000;

/**
 * A fresh demo start as a newcomer sees it, in real Chromium: analytics already populated by the
 * 90 days of history, the 态势 dashboard on a desk, on a wall screen and on paper, and a grid's
 * chart over 90 days and a custom range (a range over a year is refused in the form).
 */
describe.skipIf(chromiumTestMode() === 'skip')('态势 and a populated demo in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir, env: { GRIDSENSE_DEMO_HISTORY_DAYS: '90' } });
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function logIn(username: string, options: { viewport?: typeof DESKTOP; locale?: 'en' } = {}) {
    const context = await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    if (options.locale === 'en') await context.addInitScript(`localStorage.setItem('gs_lang', 'en')`);
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    return page;
  }

  const axeProblems = async (page: Page) =>
    describeViolations(seriousViolations(await findAxeViolations(page)));
  const number = async (page: Page, testId: string) =>
    Number((await page.getByTestId(testId).locator('dd').first().textContent())?.trim());

  it('shows populated analytics at once on a fresh start', async () => {
    const page = await logIn('op1');
    await page.goto(`${env.baseUrl}/#/analytics`);
    await page.getByTestId('stat-opened').waitFor();
    expect(await number(page, 'stat-opened')).toBeGreaterThan(250);
    for (const rate of ['response', 'on-time', 'satisfaction'])
      expect(await page.getByTestId(`rate-${rate}`).locator('dd').first().textContent()).toMatch(/\d+\.\d%/);
    await page.getByTestId('row-grid-G01').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analytics-demo-history.png'), fullPage: true });

    // A custom period: the last 90 days, then one over a year that the form refuses.
    await page.getByTestId('analytics-period').selectOption('custom');
    const day = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByTestId('custom-range-from').fill(day(Date.now() - 90 * DAY));
    await page.getByTestId('custom-range-to').fill(day(Date.now()));
    const asked = page.waitForResponse((r) => r.url().includes('/api/analytics/cases?'));
    await page.getByTestId('custom-range-apply').click();
    expect((await asked).status()).toBe(200);
    await page.getByTestId('custom-range-from').fill(day(Date.now() - 400 * DAY));
    await page.getByTestId('custom-range-apply').click();
    expect(await page.getByTestId('custom-range-error').textContent()).toBe('时间范围不能超过一年');
    await page.context().close();
  });

  it('shows the 态势 dashboard per street, on a wall screen and in print, in both languages', async () => {
    const page = await logIn('op1');
    await page.getByTestId('nav-situation').click();
    await page.getByTestId('situation-streets').waitFor();
    expect(await page.getByTestId('street-S1').locator('th').textContent()).toBe('望江街道');
    expect(await page.getByTestId('street-S2').locator('th').textContent()).toBe('湖滨街道');
    expect(await number(page, 'tile-open')).toBeGreaterThan(0);
    expect(await number(page, 'tile-overdue')).toBeGreaterThan(0);
    const response = page.getByTestId('situation-rate-response').locator('td');
    expect(await response.nth(1).textContent()).toMatch(/\d+\.\d%/);
    expect(await axeProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'situation-desk.png'), fullPage: true });

    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByTestId('situation-wall').click();
    expect(await page.locator('header').first().isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'situation-wall.png') });
    await page.getByTestId('situation-wall').click();

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('situation-print').isVisible()).toBe(false);
    expect(await page.getByTestId('situation-streets').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'situation-print.png'), fullPage: true });
    await page.context().close();

    const english = await logIn('sup1', { locale: 'en' });
    await english.goto(`${env.baseUrl}/#/situation`);
    await english.getByTestId('situation-streets').waitFor();
    expect(await english.locator('h1').textContent()).toContain('Situation overview');
    // A community supervisor sees their own street's row only.
    expect(await english.getByTestId('situation-streets').locator('tbody tr').count()).toBe(1);
    await english.context().close();
  });

  it('charts a grid’s devices over 90 days and a custom range from the history', async () => {
    const page = await logIn('op1');
    await page.goto(`${env.baseUrl}/#/grids/G01`);
    await page.getByTestId('range-90d').waitFor();
    // Each device of the chart asks for its own series, in 6-hour windows over 90 days.
    const quarter = page.waitForResponse(
      (r) => r.url().includes('/series?') && r.url().includes('windowMs=21600000'),
    );
    await page.getByTestId('range-90d').click();
    const points = (await (await quarter).json()) as SeriesPoint[];
    expect(points.length).toBeGreaterThan(300);

    await page.getByTestId('range-custom').click();
    const day = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByTestId('custom-range-from').fill(day(Date.now() - 60 * DAY));
    await page.getByTestId('custom-range-to').fill(day(Date.now() - 30 * DAY));
    const custom = page.waitForResponse(
      (r) => r.url().includes('/series?') && r.url().includes('windowMs=7200000'),
    );
    await page.getByTestId('custom-range-apply').click();
    const answer = await custom;
    expect(answer.status()).toBe(200);
    expect(((await answer.json()) as SeriesPoint[]).length).toBeGreaterThan(20);
    await page.getByTestId('range-zoomed').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-chart-custom-range.png'), fullPage: true });
    await page.context().close();
  });
});
