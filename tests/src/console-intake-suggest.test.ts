import type { IntakeAgreementView } from '@gridsense/core/intake-classifier';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';

/** The phone the grid workers carry, in CSS pixels. */
const PHONE_390 = { width: 390, height: 844 };

/**
 * 智能分拨 in the console: as the description is typed, the hotline and patrol forms show the top
 * three categories as chips with confidence and where each goes; a tap fills the category, the
 * person decides, and the case keeps what was suggested beside what was chosen.
 */
describe.skipIf(chromiumTestMode() === 'skip')('intake suggestions in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('suggests a fire-safety category for a blocked fire exit; a tap fills the hotline form and the choice is kept', async () => {
    const op = await fixture.env.login('op1');
    const before = (await op.call<IntakeAgreementView>('GET', '/api/intake/agreement')).body.count;
    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/hotline`);
    await page.getByTestId('hotline-form').waitFor();
    await page.getByTestId('hotline-category').selectOption('facility');
    await page.getByTestId('hotline-description').fill('楼道里有人堆放杂物堵住消防通道');

    const chips = page.getByTestId('suggestion-chip');
    await expect.poll(() => chips.count()).toBe(3);
    const keys = await page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid="suggestion-chip"]')].map((chip) => chip.dataset.key)`,
    );
    const fire = keys.find((key) => key.startsWith('fire_safety.'));
    expect(fire, keys.join(', ')).toBeDefined();
    const chip = page.locator(`[data-testid="suggestion-chip"][data-key="${fire}"]`);
    expect(await chip.innerText()).toContain('消防安全 · ');
    expect(await chip.innerText()).toMatch(/\d+%/);
    expect(await chip.innerText()).toContain('分拨至 属地网格员');
    expect(await chip.getAttribute('aria-pressed')).toBe('false');

    await chip.click();
    expect(await page.getByTestId('hotline-category').inputValue()).toBe('fire_safety');
    expect(await page.getByTestId('hotline-subcategory').inputValue()).toBe(
      fire!.split('.').slice(0, 2).join('.'),
    );
    expect(await page.getByTestId('hotline-type').inputValue()).toBe(fire);
    await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'intake-suggestions-hotline.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    // The person decides: the case is opened with the category they chose, the suggestion kept.
    await page.getByTestId('hotline-caller').fill('王五');
    await page.getByTestId('hotline-phone').fill('13912345678');
    await page.getByTestId('hotline-title').fill('消防通道被杂物堵塞');
    await page.getByTestId('location-grid-G01').click();
    await expect.poll(() => page.getByTestId('place-grid').getAttribute('data-grid')).toBe('G01');
    await page.getByTestId('hotline-submit').click();
    await page.waitForURL(/#\/cases\//);
    const after = (await op.call<IntakeAgreementView>('GET', '/api/intake/agreement')).body;
    expect(after.count).toBe(before + 1);
    expect(after.byChannel.hotline.count).toBeGreaterThan(0);
  });

  it('on a grid worker’s phone the patrol form shows the chips in English within the screen, and a tap fills the category', async () => {
    const page = await fixture.logIn('worker01', { viewport: PHONE_390, locale: 'en' });
    await page.getByTestId('nav-report').click();
    await page.getByTestId('report-form').waitFor();
    await page.getByTestId('report-description').fill('垃圾桶满了好几天没人清运，很臭');
    const chips = page.getByTestId('suggestion-chip');
    await expect.poll(() => chips.count()).toBe(3);
    expect(await page.getByTestId('intake-suggestions').innerText()).toContain('Suggested categories');
    const first = chips.first();
    expect(await first.getAttribute('data-key')).toBe('city_appearance.garbage.overflow');
    expect(await first.innerText()).toContain('goes to 区城市管理局');
    for (let i = 0; i < 3; i++) {
      const box = (await chips.nth(i).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE_390.width);
      expect(box.height).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE_390.width,
    );

    await first.click();
    expect(await page.getByTestId('report-category').inputValue()).toBe('city_appearance');
    await expect.poll(() => first.getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'intake-suggestions-patrol-phone.png'),
      fullPage: true,
    });
    await expectNoSeriousViolations(page);
  });
});
