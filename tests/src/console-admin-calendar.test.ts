import type { WorkCalendar } from '@gridsense/core';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/** Editing the working calendar (hours, holidays, 调休 days) in real Chromium. */

describe.skipIf(chromiumTestMode() === 'skip')('console working calendar in real Chromium', () => {
  const fixture = usePopulatedConsole();

  async function openCalendar(page: Page): Promise<void> {
    await page.goto(`${fixture.env.baseUrl}/#/admin`);
    await page.getByTestId('admin-calendar').waitFor();
    await page.getByTestId('calendar-edit').click();
    await page.getByTestId('calendar-form').waitFor();
  }

  it('adds a holiday and drops a make-up day, with the API errors inline; it survives a reload and is audited', async () => {
    const page = await fixture.logIn('admin');
    // Signed in through the API before the change: the sign-in goes to the audit log too.
    const api = await fixture.env.login('admin');
    await openCalendar(page);
    expect(await page.getByTestId('calendar-hours').textContent()).toContain('09:00–12:00, 13:30–17:30');

    // A period that ends before it starts, and a holiday that is also a make-up day: both named.
    await page.getByTestId('calendar-period-1-end').fill('13:00');
    await page.getByTestId('calendar-makeupWorkdays-input').fill('2026-10-01');
    await page.getByTestId('calendar-makeupWorkdays-add').click();
    await page.getByTestId('calendar-save').click();
    await expect
      .poll(() => page.getByTestId('calendar-hours-error').textContent())
      .toBe('hours[1] 的结束时间须晚于开始时间，且不得早于上一时段');
    expect(await page.getByTestId('calendar-makeupWorkdays-error').textContent()).toBe(
      'makeupWorkdays：2026-10-01 同时是法定节假日',
    );
    expect(await page.getByTestId('calendar-period-1-end').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('calendar-period-0-end').getAttribute('aria-invalid')).toBeNull();
    await page
      .getByTestId('admin-calendar')
      .screenshot({ path: path.join(SCREENSHOTS, 'admin-calendar.png') });
    await expectNoSeriousViolations(page);

    await page.getByTestId('calendar-period-1-end').fill('17:30');
    await page.getByTestId('calendar-makeupWorkdays-2026-10-01-remove').click();
    await page.getByTestId('calendar-makeupWorkdays-2026-10-10-remove').click();
    await page.getByTestId('calendar-holidays-input').fill('2026-12-31');
    await page.getByTestId('calendar-holidays-add').click();
    expect(await page.getByTestId('calendar-holidays-2026-12-31').textContent()).toContain('周四');
    await page.getByTestId('calendar-save').click();
    await page.getByTestId('calendar-form').waitFor({ state: 'detached' });

    await page.reload();
    await page.getByTestId('calendar-holidays').waitFor();
    expect(await page.getByTestId('calendar-holidays').textContent()).toContain('2026-12-31 周四');
    expect(await page.getByTestId('calendar-makeupWorkdays').textContent()).not.toContain('2026-10-10');
    const { calendar } = (await api.call<{ calendar: WorkCalendar }>('GET', '/api/case-config')).body;
    expect(calendar.holidays.at(-1)).toBe('2026-12-31');
    expect(calendar.makeupWorkdays).not.toContain('2026-10-10');
    expect(calendar.hours).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ]);

    await page.goto(`${fixture.env.baseUrl}/#/audit`);
    await page.getByTestId('audit-table').waitFor();
    const newest = page.getByTestId('audit-table').locator('tbody tr').first();
    expect(await newest.getAttribute('data-action')).toBe('admin.calendar_set');
    expect(await newest.getAttribute('data-entity')).toBe('calendar work_calendar');
    expect(await newest.textContent()).toContain('修改工作日历');
    await page.context().close();
  });

  it('fits a 360 px phone in English', async () => {
    const page = await fixture.logIn('admin', { viewport: PHONE, locale: 'en' });
    await openCalendar(page);
    expect(await page.getByTestId('calendar-holidays-edit').textContent()).toContain('Public holidays');
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await page
      .getByTestId('admin-calendar')
      .screenshot({ path: path.join(SCREENSHOTS, 'admin-calendar-phone.png') });
    await expectNoSeriousViolations(page);
    await page.context().close();
  });
});
