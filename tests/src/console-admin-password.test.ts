import type { PersonView } from '@gridsense/core';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import {
  chooseNewPassword,
  fillSignIn,
  PHONE,
  SCREENSHOTS,
  usePopulatedConsole,
} from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';
import { TEST_PASSWORD } from './harness/test-platform';

/** Password resets and department moves on the people page, in real Chromium. */

describe.skipIf(chromiumTestMode() === 'skip')(
  'people: password reset and departments in real Chromium',
  () => {
    const fixture = usePopulatedConsole();

    async function openPeople(page: Page): Promise<void> {
      await page.getByTestId('nav-people').click();
      await page.getByTestId('people-table').waitFor();
    }

    async function signIn(page: Page, username: string, password: string): Promise<void> {
      await page.goto(`${fixture.env.baseUrl}/#/login`);
      await fillSignIn(page, fixture.env, username, password);
    }

    it('resets a password: shown once, the old one and its session stop working, the new one signs in once changed', async () => {
      const before = await fixture.logIn('worker07', { viewport: PHONE });
      const page = await fixture.logIn('admin');
      await openPeople(page);
      await page.getByTestId('reset-worker07').click();
      await page.getByTestId('reset-worker07-confirm').click();
      const password = await page.getByTestId('initial-password').inputValue();
      expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(await page.getByTestId('password-once').textContent()).toContain('worker07 的新密码');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-people-reset.png'), fullPage: true });
      await expectNoSeriousViolations(page);
      await page.getByTestId('password-done').click();
      expect(await page.content()).not.toContain(password);

      // The session signed with the old password ends at its next request.
      await before.reload();
      await before.getByTestId('login-form').waitFor();
      await before.context().close();

      const worker = await fixture.browser.newPage({ viewport: PHONE });
      // The old password, typed by hand: fillSignIn would first sign in with it through the API
      // to enrol a second factor, and that is refused too (a grid worker has none to enrol).
      await worker.goto(`${fixture.env.baseUrl}/#/login`);
      await worker.getByTestId('login-username').fill('worker07');
      await worker.getByTestId('login-password').fill(TEST_PASSWORD);
      await worker.getByTestId('login-submit').click();
      // Refused only after one full password check (scrypt 2^17), which can outlast a short poll.
      await worker.getByTestId('login-error').waitFor();
      expect(await worker.getByTestId('login-error').count()).toBe(1);
      expect(await worker.getByTestId('user-name').count()).toBe(0);
      await signIn(worker, 'worker07', password);
      // The administrator has seen it: worker07 chooses their own before anything else.
      await chooseNewPassword(worker, password);
      await worker.getByTestId('user-name').waitFor();
      await worker.close();

      await page.goto(`${fixture.env.baseUrl}/#/audit`);
      await page.getByTestId('audit-table').waitFor();
      // worker07's sign-ins and own change are audited after the reset, newest first.
      const rows = page.getByTestId('audit-table').locator('tbody tr');
      expect(await rows.first().getAttribute('data-action')).toBe('session.password_changed');
      const reset = page.locator('tr[data-action="admin.person_password_reset"]');
      expect(await reset.count()).toBe(1);
      expect(await reset.getAttribute('data-entity')).toBe('user u-worker07');
      expect(await reset.textContent()).toContain('重置人员密码');
      await page.context().close();
    });

    it('moves a department handler to another department, and it survives a reload', async () => {
      const page = await fixture.logIn('admin');
      await openPeople(page);
      expect(await page.getByTestId('department-fire2').textContent()).toContain('区消防救援大队');
      await page.getByTestId('edit-fire2').click();
      expect(await page.getByTestId('edit-department').inputValue()).toBe('dept-fire');
      await page.getByTestId('edit-department').selectOption('dept-cgj');
      await page.getByTestId('save-fire2').click();
      await expect.poll(() => page.getByTestId('department-fire2').textContent()).toContain('区城市管理局');
      await page.reload();
      await expect.poll(() => page.getByTestId('department-fire2').textContent()).toContain('区城市管理局');
      const api = await fixture.env.login('admin');
      const people = (await api.call<PersonView[]>('GET', '/api/admin/people')).body;
      expect(people.find((p) => p.id === 'u-fire2')?.departmentId).toBe('dept-cgj');
      await page.context().close();
    });

    it('fits a 360 px phone in English with a reset armed and a department open', async () => {
      const page = await fixture.logIn('admin', { viewport: PHONE, locale: 'en' });
      await openPeople(page);
      await page.getByTestId('reset-worker08').click();
      await page.getByTestId('reset-worker08-confirm').waitFor();
      await page.getByTestId('edit-fire1').click();
      await page.getByTestId('edit-department').waitFor();
      expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
      expect(await findSmallTouchTargets(page)).toEqual([]);
      await page
        .getByTestId('person-fire1')
        .screenshot({ path: path.join(SCREENSHOTS, 'admin-people-department-phone.png') });
      await expectNoSeriousViolations(page);
      await page.context().close();
    });
  },
);
