import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { runReportPass } from '@gridsense/alerts';
import type { ReportSummary } from '@gridsense/core';
import { listRegions, listReports, type AssessmentTables } from '@gridsense/state';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijing, seedAssessmentHistory } from './harness/assessment-history';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn, SCREENSHOTS } from './harness/console-fixture';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/**
 * 考核 and the 日点评 as people see them: a street's desk lists only its street's reports, opens
 * Monday's, reads the slowest worker and the 督办 case, prints it (the controls stay off paper) and
 * finds the CSV; the assessment page ranks each level, and an administrator changes the scheme.
 */
describe.skipIf(chromiumTestMode() === 'skip')('考核 and reports in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  // Tuesday 08:00 after the seeded Monday: the platform's pass at start makes Monday's reports.
  const clock = beijing(3, 10, 8);

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir, now: () => clock });
    const db = await env.openState();
    try {
      // The platform's pass at start made Monday's reports before the history was there (a real
      // morning never sees that): once it is done, they go, and this test makes them again.
      const started = () => listReports(db, { regionIds: ['D1', 'S1', 'S2'], limit: 50 });
      for (let i = 0; i < 200 && (await started()).length < 9; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await db.withTables<AssessmentTables>().deleteFrom('case_reports').execute();
      await seedAssessmentHistory(db);
      expect((await runReportPass(db, await listRegions(db), clock, { processId: 'test' })).length).toBe(9);
    } finally {
      await db.destroy();
    }
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function logIn(username: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    return page;
  }

  const axeProblems = async (page: Page) =>
    describeViolations(seriousViolations(await findAxeViolations(page)));

  it('a street’s desk opens Monday’s 日点评 of its street, prints it and finds its CSV', async () => {
    const page = await logIn('street1');
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-page').waitFor();
    const mine = (await page.evaluate(`fetch('/api/reports').then((r) => r.json())`)) as ReportSummary[];
    expect(new Set(mine.map((r) => r.regionId))).toEqual(new Set(['S1']));
    const day = mine.find((r) => r.kind === 'day')!;
    await expect.poll(() => page.locator('[data-testid^="report-row-"]').count()).toBe(mine.length);
    expect(await page.getByTestId(`report-row-${day.id}`).textContent()).toContain('日点评');
    expect(await axeProblems(page)).toBe('');

    await page.getByTestId(`report-open-${day.id}`).click();
    await page.getByTestId('report-totals').waitFor();
    expect(await page.getByTestId('report-heading').textContent()).toContain('望江街道日点评（2026-03-09）');
    expect(await page.getByTestId('total-opened').textContent()).toBe('2');
    expect(await page.getByTestId('report-excluded').textContent()).toContain('误报 1');
    expect(await page.getByTestId('slowest-worker-u-worker03').textContent()).toContain('22.0 小时');
    expect(await page.getByTestId('report-supervised').textContent()).toContain('群众反映强烈');
    expect(await page.getByTestId('rank-worker-u-worker01').count()).toBe(1);
    expect(await page.getByTestId('report-csv').getAttribute('href')).toBe(`/api/reports/${day.id}/csv`);
    const csv = await page.evaluate(`fetch('/api/reports/${day.id}/csv').then((r) => r.text())`);
    expect(csv).toContain('u-worker03');
    expect(await page.getByTestId('report-pdf').getAttribute('href')).toBe(`/api/reports/${day.id}/pdf`);
    const pdf = await page.evaluate(
      `fetch('/api/reports/${day.id}/pdf').then(async (r) => r.headers.get('content-type') + ' ' + (await r.text()).slice(0, 5))`,
    );
    expect(pdf).toBe('application/pdf %PDF-');
    expect(await axeProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-day.png'), fullPage: true });

    // On paper: the figures, not the buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('report-print').isVisible()).toBe(false);
    expect(await page.getByTestId('report-totals').isVisible()).toBe(true);
    await page.context().close();
  });

  it('the street’s desk is told of the new 日点评 in its notices, opens it there and sees where it went', async () => {
    const page = await logIn('street1');
    const mine = (await page.evaluate(`fetch('/api/reports').then((r) => r.json())`)) as ReportSummary[];
    const day = mine.find((r) => r.kind === 'day')!;
    await page.getByTestId('notice-bell').click();
    // The delivery worker sends the notice on its next round: it shows in the list, pushed or loaded.
    const link = page.getByTestId('notice-panel').locator(`a[href="#/reports/${day.id}"]`);
    await link.waitFor({ timeout: 20_000 });
    expect(await link.textContent()).toContain('报告已生成：望江街道日点评（2026-03-09）');
    await link.click();
    await page.getByTestId('report-deliveries').waitFor();
    expect(await page.getByTestId('report-heading').textContent()).toContain('望江街道日点评（2026-03-09）');
    // No channel of the street takes reports here; its one reader got it in the app.
    expect(await page.getByTestId('report-deliveries-none').isVisible()).toBe(true);
    expect(await page.getByTestId('report-inapp').textContent()).toContain('已送达 1 人，共 1 人');
    expect(await axeProblems(page)).toBe('');
    await page
      .getByTestId('report-deliveries')
      .screenshot({ path: path.join(SCREENSHOTS, 'report-deliveries.png') });
    // Where it went is the desk's business, not the paper's.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('report-deliveries').isVisible()).toBe(false);
    await page.context().close();
  });

  it('the assessment page ranks each level; an administrator’s heavier 督办 penalty drops the supervised worker', async () => {
    const page = await logIn('admin');
    await page.getByTestId('nav-assessment').click();
    await page.getByTestId('assessment-page').waitFor();
    // The seeded Monday lies within the last year of the browser's own clock.
    await page.getByTestId('assessment-period').selectOption('year');
    const score = page.getByTestId('rank-worker-u-worker03').getByTestId('score');
    await score.waitFor();
    const before = Number(await score.textContent());
    expect(await page.getByTestId('assessment-excluded').textContent()).toContain('误报 1');
    expect(await axeProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assessment-ranking.png'), fullPage: true });

    await page.getByTestId('points-supervisedPenalty').fill('50');
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/assessment/scheme') && r.request().method() === 'PUT',
    );
    await page.getByTestId('save-scheme').click();
    expect((await saved).status()).toBe(200);
    await expect.poll(async () => Number(await score.textContent())).toBeCloseTo(before - 45, 0);
    await page.context().close();
  });
});
