import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { publishReading } from './harness/demo-activity';

/** What the console's pages do, against the real platform: map → grid → device, live charts, the queue. */

/** The series queries a page makes, with their numbers parsed. */
function recordSeriesQueries(page: Page): { metric: string; from: number; to: number; windowMs: number }[] {
  const queries: { metric: string; from: number; to: number; windowMs: number }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.endsWith('/series')) return;
    const number = (name: string) => Number(url.searchParams.get(name));
    queries.push({
      metric: url.searchParams.get('metric') ?? '',
      from: number('from'),
      to: number('to'),
      windowMs: number('windowMs'),
    });
  });
  return queries;
}

const chart = (page: Page, metric: string) => page.getByTestId(`chart-${metric}`);

async function chartReady(page: Page, metric: string): Promise<void> {
  await expect.poll(() => chart(page, metric).getAttribute('data-state')).toBe('ready');
}

describe.skipIf(chromiumTestMode() === 'skip')('console pages in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('goes from the map to a grid by mouse or keyboard, and from there to a device', async () => {
    const page = await fixture.logIn('op1');
    await page.getByTestId('map').waitFor();
    expect(await page.getByTestId('grid-G01').getAttribute('data-risk')).toBe('red');
    expect(await page.getByTestId('grid-G03').getAttribute('data-risk')).toBe('yellow');
    expect(await page.getByTestId('grid-G04').getAttribute('data-risk')).toBe('green');

    await page.getByTestId('grid-G03').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('grid-panel').getAttribute('data-grid')).toBe('G03');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('grid-panel').count()).toBe(0);
    await page.getByTestId('grid-G01').click();
    expect(await page.getByTestId('grid-panel').getAttribute('data-grid')).toBe('G01');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pages-map-grid-panel.png') });
    await expectNoSeriousViolations(page);

    await page.getByTestId('panel-grid-link').click();
    await page.getByTestId('grid-page').waitFor();
    expect(await page.getByTestId('grid-risk').getAttribute('data-risk')).toBe('red');
    expect(await page.getByTestId(`grid-case-${fixture.cases.smoke.id}`).count()).toBe(1);
    // The grid chart starts on the usual alarm metric, one line per smoke detector.
    expect(await page.getByTestId('grid-metric').inputValue()).toBe('smoke');
    await chartReady(page, 'smoke');
    expect(await chart(page, 'smoke').locator('.u-series').count()).toBe(3); // time + 2 detectors

    await page.getByTestId(`grid-device-${fixture.smoke.id}`).locator('a').click();
    await page.getByTestId('device-health').waitFor();
    expect(await page.getByTestId('device-name').innerText()).toContain('烟感');
    await page.context().close();
  });

  it('shows device health: values with units, rejects by reason with the last detail', async () => {
    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/devices/${fixture.smoke.id}`);
    await page.getByTestId('device-health').waitFor();
    expect(await page.getByTestId('device-online').getAttribute('data-online')).toBe('true');
    expect(await page.getByTestId('latest-smoke').locator('td').first().innerText()).toBe('22 %obs/m');
    expect(await page.getByTestId('reject-total').innerText()).toBe('(2)');
    expect(await page.getByTestId('reject-out_of_range').innerText()).toContain('smoke=150 outside 0–100');
    expect(await page.getByTestId('reject-future_ts').locator('th').innerText()).toBe('时间超前');
    await page.context().close();
  });

  it('follows new readings live while the device page is open', async () => {
    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/devices/${fixture.smoke.id}`);
    await chartReady(page, 'smoke');
    // Only once the server has put this page in the grid's live room do readings reach it.
    await page.locator('[data-testid="device-page"][data-live-readings="true"]').waitFor();
    // 20 s ahead: certainly a new 10 s window (the contract accepts up to 5 min ahead).
    await publishReading(
      fixture.env.mqttUrl,
      fixture.smoke,
      fixture.seqs,
      { smoke: 1.5, temperature: 24, battery: 79 },
      Date.now() + 20_000,
    );
    await expect
      .poll(() => page.getByTestId('latest-smoke').locator('td').first().innerText())
      .toBe('1.5 %obs/m');
    // The reading opens a new window, so the chart's newest value is exactly it.
    await expect
      .poll(() => chart(page, 'smoke').getByTestId('chart-summary').innerText())
      .toMatch(/^最新 1\.5 %obs\/m/);
    await page.context().close();
  });

  it('asks for at most 500 aggregated windows whatever the range, and zooms by dragging', async () => {
    const page = await fixture.logIn('op1');
    const queries = recordSeriesQueries(page);
    await page.goto(`${fixture.env.baseUrl}/#/devices/${fixture.smoke.id}`);
    await chartReady(page, 'smoke');
    for (const [key, windowMs] of [
      ['24h', 300_000],
      ['7d', 1_800_000],
      ['30d', 7_200_000],
      ['1h', 10_000],
    ] as const) {
      await page.getByTestId(`range-${key}`).click();
      await expect.poll(() => chart(page, 'smoke').getAttribute('data-window-ms')).toBe(String(windowMs));
      await chartReady(page, 'smoke');
      expect(await page.getByTestId(`range-${key}`).getAttribute('aria-pressed')).toBe('true');
    }
    expect(queries.length).toBeGreaterThanOrEqual(15); // 3 metrics × 5 ranges
    for (const query of queries) expect((query.to - query.from) / query.windowMs).toBeLessThanOrEqual(500);

    // Drag across the middle half of the smoke chart: a narrower range at a finer window.
    const plot = chart(page, 'smoke').locator('.u-over');
    const box = (await plot.boundingBox())!;
    const asked = queries.length;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('range-zoomed').waitFor();
    await chartReady(page, 'smoke');
    const zoomed = queries.slice(asked).find((query) => query.metric === 'smoke')!;
    expect((zoomed.to - zoomed.from) / 60_000).toBeGreaterThan(20);
    expect((zoomed.to - zoomed.from) / 60_000).toBeLessThan(40);
    expect(zoomed.windowMs).toBeLessThan(10_000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pages-device-zoomed.png'), fullPage: true });
    await page.getByTestId('range-reset').click();
    expect(await page.getByTestId('range-1h').getAttribute('aria-pressed')).toBe('true');
    await page.context().close();
  });

  it('shows what raised a case: the readings around the trigger, the camera frame, the place', async () => {
    const page = await fixture.logIn('op1');
    const { smoke, camera } = fixture.cases;
    await page.goto(`${fixture.env.baseUrl}/#/cases/${smoke.id}`);
    await chartReady(page, 'smoke');
    const trigger = Number(await page.getByTestId('trigger-chart').getAttribute('data-trigger-ts'));
    expect(Math.abs(trigger - smoke.openedAt)).toBeLessThan(5000);
    expect(await page.getByTestId('thumb-target').count()).toBe(1);

    await page.goto(`${fixture.env.baseUrl}/#/cases/${camera.id}`);
    const image = page.getByTestId('camera-snapshot').locator('img');
    await image.waitFor();
    await expect
      .poll(() => page.evaluate(`document.querySelector('[data-testid="camera-snapshot"] img').naturalWidth`))
      .toBe(640);
    await page.getByTestId('evidence-device-link').click();
    await page.getByTestId('device-health').waitFor();
    expect(page.url()).toContain(`#/devices/${camera.deviceId}`);
    await page.context().close();
  });

  it('filters and sorts the queue, and counts every deadline down to red', async () => {
    const page = await fixture.logIn('op1');
    await page.clock.install();
    await page.goto(`${fixture.env.baseUrl}/#/cases`);
    const rows = page.locator('[data-testid="case-table"] tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const ids = () =>
      page.evaluate<string[]>(
        `[...document.querySelectorAll('[data-testid="case-table"] tbody tr')].map((row) => row.dataset.testid.slice(5))`,
      );
    const { smoke, cable, camera, gas } = fixture.cases;

    // Each filter asks the server for a new page.
    await page.getByTestId('filter-category').selectOption('gas_safety');
    await expect.poll(ids).toEqual([gas.id]);
    await page.getByTestId('filter-category').selectOption('');
    await page.getByTestId('filter-grid').selectOption('G03');
    await expect.poll(ids).toEqual([cable.id]);
    await page.getByTestId('filter-grid').selectOption('');
    await page.getByTestId('case-sort').selectOption('severity');
    await expect.poll(async () => (await ids()).at(-1)).toBe(cable.id);
    expect(new Set((await ids()).slice(0, 3))).toEqual(new Set([smoke.id, camera.id, gas.id]));

    await page.getByTestId('filter-overdue').check();
    await page.getByTestId('cases-empty').waitFor();
    // Twenty minutes on, the critical accept clocks (10 min) have run out; forty minutes on, the
    // warning one (30 min) too. The list asks again as each runs out.
    await page.clock.fastForward('20:00');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await ids()).not.toContain(cable.id);
    await page.clock.fastForward('20:00');
    await expect.poll(() => rows.count()).toBe(4);
    const deadline = page.getByTestId(`case-${cable.id}`).getByTestId('deadline');
    // The row can come from the list's answer a tick before its clock re-reads the time.
    await expect.poll(() => deadline.getAttribute('data-tone')).toBe('overdue');
    expect(await deadline.innerText()).toMatch(/^超时 \d+分/);
    expect(await page.getByTestId(`case-${cable.id}`).getAttribute('data-overdue')).toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pages-queue-overdue.png') });
    await page.context().close();
  });

  it("keeps a worker to their grids: another grid's device is not found", async () => {
    const page = await fixture.logIn('worker01');
    await page.goto(`${fixture.env.baseUrl}/#/devices/${fixture.cases.camera.deviceId}`);
    await page.getByTestId('device-error').waitFor();
    await page.goto(`${fixture.env.baseUrl}/#/grids/G02`);
    await page.getByTestId('grid-missing').waitFor();
    await page.goto(`${fixture.env.baseUrl}/#/devices/${fixture.smoke.id}`);
    await page.getByTestId('device-health').waitFor();
    await page.context().close();
  });
});
