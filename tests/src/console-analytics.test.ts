import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import type { CaseView } from '@gridsense/core';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { publishReading } from './harness/demo-activity';

/**
 * Analytics as a supervisor reads it, in real Chromium: a heat map that says which grid is which
 * on paper, rows that open the cases they count, definitions in the reader's language, and a
 * wall screen used from edge to edge.
 */
describe.skipIf(chromiumTestMode() === 'skip')('console analytics for supervisors in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('labels the heat map with grid names and counts, with a legend, also when printed', async () => {
    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/analytics`);
    const { gridId, gridName } = fixture.cases.smoke;
    await page.getByTestId(`row-grid-${gridId}`).waitFor();
    const opened = await page.getByTestId(`row-grid-${gridId}`).locator('td').first().textContent();
    const label = page.getByTestId(`heat-label-${gridId}`);
    await page.emulateMedia({ media: 'print' });
    // The whole name, or without its community's where the grid is narrow (江城社区第1网格 → 第1网格).
    const name = (await label.locator('text').first().textContent())!;
    expect(name).toMatch(/网格$/);
    expect(gridName.endsWith(name)).toBe(true);
    expect(await label.locator('text').nth(1).textContent()).toBe(`立案 ${opened} · 超时 0`);
    expect(await label.isVisible()).toBe(true);
    expect(await page.getByTestId('heat-legend').isVisible()).toBe(true);
    expect(await page.getByTestId('heat-legend').textContent()).toContain('颜色越深');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analytics-heat-print.png'), fullPage: true });
    await page.context().close();
  });

  it('leads from a grid row to the case list filtered to that grid and period', async () => {
    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/analytics`);
    const { gridId, id } = fixture.cases.smoke;
    const opened = Number(await page.getByTestId(`row-grid-${gridId}`).locator('td').first().textContent());
    await page.getByTestId(`cases-grid-${gridId}`).click();
    await page.getByTestId(`case-${id}`).first().waitFor();
    const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    expect(params.get('grid')).toBe(gridId);
    expect(params.get('state')).toBe('all');
    expect(params.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The list holds exactly the cases the row counted.
    await expect.poll(() => page.getByTestId('case-table').locator('tbody tr').count()).toBe(opened);
    await page.context().close();
  });

  it('defines every figure in the reader’s language, with no title tooltips', async () => {
    for (const [locale, overdue] of [
      ['zh-CN', '任一时限（签收、到场、办结）已过'],
      ['en', 'any deadline (accept, arrive or resolve) passed'],
    ] as const) {
      const page = await fixture.logIn('op1', { locale });
      await page.goto(`${fixture.env.baseUrl}/#/analytics`);
      await page.getByTestId('definitions').waitFor();
      expect(await page.getByTestId('def-overdue').textContent()).toContain(overdue);
      for (const id of ['response', 'on-time', 'satisfaction']) {
        const card = page.getByTestId(`rate-${id}`);
        expect(await card.getAttribute('aria-describedby')).toBe(`def-${id}`);
        expect((await page.locator(`#def-${id}`).textContent())?.length).toBeGreaterThan(10);
      }
      expect(await page.getByTestId('analytics-page').locator('[title]').count()).toBe(0);
      // The analytics page itself; the shared header is checked by the header's own tests.
      expect(describeViolations(seriousViolations(await findAxeViolations(page, ['header'])))).toBe('');
      await page.context().close();
    }
  });

  it('spans a 2560 px wall screen, the breakdown tables side by side', async () => {
    const page = await fixture.logIn('op1', { viewport: { width: 2560, height: 1440 } });
    await page.goto(`${fixture.env.baseUrl}/#/analytics`);
    await page.getByTestId('breakdown-category').waitFor();
    const content = await page.getByTestId('analytics-page').boundingBox();
    expect(content!.width).toBeGreaterThan(2560 * 0.9);
    const tops = await Promise.all(
      ['grid', 'worker', 'department', 'category'].map(
        async (id) => (await page.getByTestId(`breakdown-${id}`).boundingBox())!,
      ),
    );
    // Rates per community and street sit with the other breakdowns.
    expect(await page.getByTestId('units-community').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('units-street').locator('tbody tr').count()).toBeGreaterThan(0);
    // At least three tables share the first row.
    expect(tops.filter((box) => Math.abs(box.y - tops[0]!.y) < 2).length).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analytics-wall.png') });
    await page.context().close();
  });

  it('colours a grid by the risks active now: a cleared 紧急 risk with its case still open is not red', async () => {
    const { gas, smoke, cable, camera } = fixture.cases;
    // The smoke case is its grid's only one: once its risk clears, nothing active is left there.
    expect(smoke.severity).toBe('critical');
    expect([gas, cable, camera].map((c) => c.gridId)).not.toContain(smoke.gridId);
    const before = await fixture.logIn('op1');
    await before.goto(`${fixture.env.baseUrl}/#/map`);
    await before.getByTestId(`grid-${smoke.gridId}`).waitFor();
    expect(await before.getByTestId(`grid-${smoke.gridId}`).getAttribute('data-risk')).toBe('red');
    await before.context().close();

    const detector = fixture.env.devices.find((d) => d.id === smoke.deviceId)!;
    await publishReading(fixture.env.mqttUrl, detector, fixture.seqs, {
      smoke: 0.5,
      temperature: 24,
      battery: 80,
    });
    const operator = await fixture.env.login('op1');
    await expect
      .poll(
        async () => (await operator.call<{ case: CaseView }>('GET', `/api/cases/${smoke.id}`)).body.case,
        {
          timeout: 15_000,
        },
      )
      .toMatchObject({ riskActive: false, severity: 'critical', closedAt: null });

    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/map`);
    const grid = page.getByTestId(`grid-${smoke.gridId}`);
    await grid.waitFor();
    expect(await grid.getAttribute('data-risk')).toBe('green');
    expect(Number(await grid.getAttribute('data-overdue'))).toBe(0);
    // The gas leak and the camera's fire smoke are still active in theirs.
    expect(await page.getByTestId(`grid-${gas.gridId}`).getAttribute('data-risk')).toBe('red');
    expect(await page.getByTestId('legend-overdue').textContent()).toContain('超时未结');
    expect(await page.getByTestId('map-legend').textContent()).toContain('紧急风险正在告警');
    await page.context().close();
  });
});
