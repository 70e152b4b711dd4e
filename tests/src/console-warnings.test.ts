import type { CaseDetailView } from '@gridsense/core';
import type { EarlyWarningView } from '@gridsense/core/early-warning';
import { runEarlyWarningPass } from '@gridsense/alerts';
import { listRegions } from '@gridsense/state';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCaseHistory, weeklyCases } from '../../alerts/src/testing/case-history';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow } from './harness/phone-checks';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const HOUR = 3_600_000;

/**
 * 预警 in the console: nine weeks of fire-safety cases in G01 (three a week, then twelve in the
 * last week) make a surge in 江城社区 (C1); a supervisor sees it with its evidence in words, turns
 * it into a case, and the warning links to the new case.
 */
describe.skipIf(chromiumTestMode() === 'skip')('early warnings in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let sup1: ApiClient;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
    // The platform's own pass at start owns this hour; this one runs in the next, as an hour later.
    const passAt = Date.now() + HOUR;
    const db = await env.openState();
    try {
      await seedCaseHistory(
        db,
        weeklyCases({
          prefix: 'ew',
          category: 'fire_safety',
          gridId: 'G01',
          now: passAt,
          weeks: 8,
          perWeek: 3,
          lastWeek: 12,
        }),
      );
      await runEarlyWarningPass(db, await listRegions(db), passAt, { processId: 'test' });
    } finally {
      await db.destroy();
    }
    sup1 = await env.login('sup1');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function openPage(locale: 'zh-CN' | 'en', viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport, bypassCSP: true });
    if (locale === 'en') await context.addInitScript(`localStorage.setItem('gs_lang', 'en')`);
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'sup1');
    await page.getByTestId('user-name').waitFor();
    return page;
  }

  it('shows the surge with its evidence, turns it into a case, and links to the case', async () => {
    const page = await openPage('zh-CN');
    await page.getByRole('link', { name: '预警' }).click();
    await page.getByTestId('warnings-page').waitFor();
    const card = page.locator('[data-testid="warning"][data-kind="surge"][data-region="C1"]');
    await card.waitFor();
    expect(await card.getByTestId('warning-kind').innerText()).toBe('数量激增');
    expect(await card.getByTestId('warning-evidence').innerText()).toBe(
      '近7天 12 件，基线 3 件/7天，p<0.001',
    );
    expect(await card.innerText()).toContain('江城社区');
    expect(await card.innerText()).toContain('涉及案件 12 件');
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'warnings-list.png'), fullPage: true });

    await card.getByTestId('warning-to-case').click();
    await card.getByTestId('warning-title-input').fill('江城社区消防类案件激增');
    await card.getByTestId('warning-submit').click();
    // Turned into a case, the card says so and links to it.
    await expect.poll(() => card.getByTestId('warning-state').innerText()).toBe('已转案件');
    await expect.poll(() => card.getByTestId('warning-acknowledge').count()).toBe(0);
    await card.getByTestId('warning-case').click();
    await page.waitForURL(/#\/cases\//);
    const caseId = decodeURIComponent(page.url().split('#/cases/')[1]!);

    const [stored] = (await sup1.call<EarlyWarningView[]>('GET', '/api/warnings?state=case_opened')).body;
    expect(stored).toMatchObject({ regionId: 'C1', caseId, caseOpenedById: 'u-sup1' });
    const detail = await sup1.call<CaseDetailView>('GET', `/api/cases/${encodeURIComponent(caseId)}`);
    expect(detail.body.case).toMatchObject({
      title: '江城社区消防类案件激增',
      category: 'fire_safety',
      gridId: 'G01',
    });
    await page.getByText('江城社区消防类案件激增').first().waitFor();
  });

  it('reads in English and fits a phone', async () => {
    const page = await openPage('en', PHONE);
    await page.goto(`${env.baseUrl}/#/warnings`);
    await page.getByTestId('warning-filter').selectOption('');
    const street = page.locator('[data-testid="warning"][data-kind="surge"]').first();
    await street.waitFor();
    expect(await page.getByTestId('warnings-page').locator('h1').innerText()).toBe('Early warning');
    expect(await street.getByTestId('warning-evidence').innerText()).toMatch(
      /^12 in the last 7 days, baseline 3 per 7 days, p<0\.001$/,
    );
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
  });
});
