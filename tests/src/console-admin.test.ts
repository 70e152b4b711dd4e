import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/** The command centre's analytics (三率, heat, trend, CSV, print) and audit log, in real Chromium. */

describe.skipIf(chromiumTestMode() === 'skip')('console analytics and audit in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('shows 三率, the grid heat and trend, and exports the grid breakdown as CSV', async () => {
    const page = await fixture.logIn('op1');
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('breakdown-grid').waitFor();

    expect(await page.getByTestId('stat-opened').locator('dd').textContent()).toMatch(/^[1-9]\d*$/);
    expect(await page.getByTestId('rate-response').locator('dd').first().textContent()).toMatch(
      /^(\d+\.\d%|—)$/,
    );
    const gridId = fixture.cases.smoke.gridId;
    await page.getByTestId(`row-grid-${gridId}`).waitFor();
    expect(Number(await page.getByTestId(`heat-${gridId}`).getAttribute('data-heat'))).toBeGreaterThan(0);
    await page.getByTestId('trend').locator('canvas').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-analytics.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('csv-grid').click(),
    ]);
    expect(download.suggestedFilename()).toBe('gridsense-grid.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('名称,立案数,办结,按时办结,超时未结,按时办结率');
    expect(lines.some((line) => line.startsWith(`${fixture.cases.smoke.gridName},`))).toBe(true);

    // The weekly report asks the API for seven days.
    const asked = page.waitForRequest((request) => request.url().includes('/api/analytics/cases'));
    await page.getByTestId('analytics-period').selectOption('week');
    const url = new URL((await asked).url());
    expect(Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'))).toBe(7 * 86_400_000);

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('print-report').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-analytics-print.png'), fullPage: true });
    await page.context().close();
  });

  it('lists the audit log with the hash chain verified, on desktop and on a phone', async () => {
    for (const viewport of [undefined, PHONE]) {
      const page = await fixture.logIn('admin', viewport ? { viewport, locale: 'en' } : {});
      await page.goto(`${fixture.env.baseUrl}/#/audit`);
      await expect.poll(() => page.getByTestId('audit-verify').getAttribute('data-ok')).toBe('true');
      expect(await page.getByTestId('audit-table').locator('tbody tr').count()).toBeGreaterThan(0);
      await page.screenshot({
        path: path.join(SCREENSHOTS, viewport ? 'admin-audit-phone.png' : 'admin-audit.png'),
        fullPage: true,
      });
      await expectNoSeriousViolations(page);
      if (viewport) {
        expect(await page.getByTestId('audit-verify').textContent()).toContain('Hash chain verified');
        expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
        expect(await findSmallTouchTargets(page)).toEqual([]);
      }
      await page.context().close();
    }
  });

  it('shows administrators the categories with deadlines, dispatch rules, rosters and channels', async () => {
    for (const viewport of [undefined, PHONE]) {
      const page = await fixture.logIn('admin', viewport ? { viewport } : {});
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('admin-categories').waitFor();
      expect(await page.getByTestId('sla-fire_safety-critical').textContent()).toMatch(/签收时限/);
      expect(await page.getByTestId('admin-dispatch').locator('li').count()).toBeGreaterThan(0);
      for (const id of ['admin-rosters', 'admin-channels', 'admin-deliveries'])
        expect(await page.getByTestId(id).isVisible()).toBe(true);
      await page.screenshot({
        path: path.join(SCREENSHOTS, viewport ? 'admin-settings-phone.png' : 'admin-settings.png'),
        fullPage: true,
      });
      await expectNoSeriousViolations(page);
      if (viewport) {
        expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
        expect(await findSmallTouchTargets(page)).toEqual([]);
      }
      await page.context().close();
    }
  });

  it('fits analytics on a 360 px phone and keeps the audit log from field staff', async () => {
    const page = await fixture.logIn('op1', { viewport: PHONE });
    await page.goto(`${fixture.env.baseUrl}/#/analytics`);
    await page.getByTestId('breakdown-grid').waitFor();
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-analytics-phone.png'), fullPage: true });
    await page.context().close();

    const worker = await fixture.logIn('worker01');
    expect(await worker.getByTestId('nav-audit').count()).toBe(0);
    expect(await worker.getByTestId('nav-analytics').count()).toBe(0);
    expect(await worker.getByTestId('nav-admin').count()).toBe(0);
    await worker.context().close();
  });
});
