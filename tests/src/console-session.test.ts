import type { IssuedPasswordView } from '@gridsense/core';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { decodeBase32, totpCode, totpStep } from '@gridsense/web';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';
import { startTestPlatform, TEST_PASSWORD, type ApiClient, type TestPlatform } from './harness/test-platform';

const MINUTE = 60_000;

/** Signing in and out, the idle warning, password changes and two-factor sign-in, in real Chromium. */
describe.skipIf(chromiumTestMode() === 'skip')('the console’s session in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let admin: ApiClient;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    admin = await env.login('admin');
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  /** A fresh context on the login page; `fakeClock` lets a test skip idle minutes. */
  async function openLogin(
    options: { fakeClock?: boolean; locale?: 'en'; phone?: boolean } = {},
  ): Promise<Page> {
    const context = await browser.newContext({
      viewport: options.phone ? PHONE : { width: 1280, height: 800 },
      // The accessibility check injects axe as a script, which the console's CSP would refuse.
      bypassCSP: true,
    });
    if (options.locale === 'en') await context.addInitScript(`localStorage.setItem('gs_lang', 'en')`);
    const page = await context.newPage();
    if (options.fakeClock) await page.clock.install();
    await page.goto(`${env.baseUrl}/#/login`);
    return page;
  }

  const signIn = (page: Page, username: string, password: string) =>
    fillSignIn(page, env, username, password);

  it('keeps the session in an HttpOnly cookie only: nothing for page scripts, and gone after signing out', async () => {
    const page = await openLogin();
    await signIn(page, 'op2', TEST_PASSWORD);
    await page.getByTestId('user-name').waitFor();
    // Tests have no DOM types: the page runs this as a string.
    const visible = (await page.evaluate(
      `({ cookie: document.cookie, storage: JSON.stringify({ ...localStorage }) })`,
    )) as { cookie: string; storage: string };
    expect(visible.cookie).toBe('');
    expect(visible.storage).not.toMatch(/token|session/i);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'gs_session', httpOnly: true, sameSite: 'Strict' });

    await page.reload();
    await page.getByTestId('user-name').waitFor();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    // The old cookie value is refused by the server, not just forgotten by the page.
    const again = await fetch(`${env.baseUrl}/api/me`, {
      headers: { cookie: `gs_session=${cookie!.value}` },
    });
    expect(again.status).toBe(401);
    await page.context().close();
  });

  it('warns two minutes before the idle end, stays on request, and signs out when it ends', async () => {
    const page = await openLogin({ fakeClock: true });
    // A 27-minute jump of the fake clock would time the live socket out, and its reconnection
    // refreshes the page's data: activity that restarts the idle clock. This test runs without it.
    await page.route('**/socket.io/**', (route) => route.abort());
    await signIn(page, 'sup1', TEST_PASSWORD);
    await page.getByTestId('user-name').waitFor();
    const warning = page.getByTestId('idle-warning');

    await page.clock.fastForward(27 * MINUTE);
    expect(await warning.isVisible()).toBe(false);
    await page.clock.fastForward(1.5 * MINUTE);
    await warning.waitFor();
    expect(await warning.textContent()).toContain('将在');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'idle-warning.png') });
    await expectNoSeriousViolations(page);
    await page.getByTestId('idle-stay').click();
    await warning.waitFor({ state: 'hidden' });

    await page.clock.fastForward(29 * MINUTE);
    await warning.waitFor();
    await page.clock.fastForward(1.5 * MINUTE);
    await page.getByTestId('login-idle-ended').waitFor();
    expect(page.url()).toMatch(/#\/login$/);
    // The console ended the session on the server as well.
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    await page.context().close();
  });

  it('makes a person with a reset password choose a new one, in Chinese, before anything else', async () => {
    const reset = await admin.call<IssuedPasswordView>('POST', '/api/admin/people/u-worker10/password');
    const page = await openLogin({ phone: true });
    await signIn(page, 'worker10', reset.body.password);
    await page.getByTestId('password-forced').waitFor();
    expect(await page.getByTestId('user-name').count()).toBe(0);

    await page.getByTestId('password-current').fill(reset.body.password);
    await page.getByTestId('password-new').fill('worker10abc');
    await page.getByTestId('password-again').fill('worker10abc');
    await page.getByTestId('password-submit').click();
    const error = page.getByTestId('password-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('密码不能包含用户名');
    expect(await error.textContent()).toContain('至少 3 类');
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'password-forced-phone.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    await page.getByTestId('password-new').fill('Night-patrol-2026');
    await page.getByTestId('password-again').fill('Night-patrol-2026');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('user-name').waitFor();
    await page.waitForURL(/#\/my$/);
    await page.context().close();
  });

  it('leads from one’s name in the header to the password page, on a 360 px phone too', async () => {
    const page = await openLogin({ phone: true, locale: 'en' });
    await signIn(page, 'admin', TEST_PASSWORD);
    await page.getByTestId('user-name').click();
    await page.getByTestId('password-form').waitFor();
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await page.context().close();
  });

  it('lets a person change their own password from the header, in English', async () => {
    const page = await openLogin({ locale: 'en' });
    await signIn(page, 'sup2', TEST_PASSWORD);
    await page.getByTestId('nav-password').click();
    await page.getByTestId('password-current').fill('Not-my-password-1');
    await page.getByTestId('password-new').fill('Riverside-watch-9');
    await page.getByTestId('password-again').fill('Riverside-watch-9');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-error').waitFor();
    // Rendered from the key the server sent (decision 0031), in the console's own English.
    expect(await page.getByTestId('password-error').textContent()).toContain('The current password is wrong');

    await page.getByTestId('password-current').fill(TEST_PASSWORD);
    await page.getByTestId('password-submit').click();
    await page.waitForURL(/#\/map$/);
    const fresh = await fetch(`${env.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'sup2',
        password: 'Riverside-watch-9',
        ...env.authenticator.nextFactor('sup2'),
      }),
    });
    expect(fresh.status).toBe(200);
    await page.context().close();
  });

  it('enrols a supervisor at first sign-in by QR code on a 390 px phone, then asks for a code or a recovery code once', async () => {
    // Not bypassing the CSP: the QR code must show under the console's own policy.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const fill = async (factor: { code: string } | { recoveryCode: string }) => {
      await page.getByTestId('login-username').fill('sup3');
      await page.getByTestId('login-password').fill(TEST_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-code-note').waitFor();
      if ('code' in factor) await page.getByTestId('login-code').fill(factor.code);
      else {
        await page.getByTestId('login-toggle-recovery').click();
        await page.getByTestId('login-recovery-code').fill(factor.recoveryCode);
      }
      await page.getByTestId('login-submit').click();
    };
    const signOut = async () => {
      await page.getByTestId('logout').click();
      await page.getByTestId('login-form').waitFor();
    };

    await page.goto(`${env.baseUrl}/#/login`);
    await page.getByTestId('login-username').fill('sup3');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('totp-forced').waitFor();
    expect(await page.getByTestId('user-name').count()).toBe(0);
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    expect(
      await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0);
    const secret = decodeBase32((await page.getByTestId('totp-secret').textContent())!)!;
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'totp-enrol-phone.png'), fullPage: true });

    let step = totpStep(Date.now());
    await page.getByTestId('totp-code').fill('000000');
    await page.getByTestId('totp-confirm').click();
    await page.getByTestId('totp-error').waitFor();
    await page.getByTestId('totp-code').fill(totpCode(secret, step));
    await page.getByTestId('totp-confirm').click();
    const codes = page.getByTestId('totp-recovery-codes').locator('li');
    await codes.first().waitFor();
    const recoveryCodes = (await codes.allTextContents()).map((text) => text.trim());
    expect(recoveryCodes).toHaveLength(10);
    await page.getByTestId('totp-finish').click();
    await page.getByTestId('user-name').waitFor();
    await signOut();

    step = Math.max(step + 1, totpStep(Date.now()));
    await fill({ code: totpCode(secret, step) });
    await page.getByTestId('user-name').waitFor();
    await signOut();

    await fill({ recoveryCode: recoveryCodes[0]! });
    await page.getByTestId('user-name').waitFor();
    await signOut();

    await fill({ recoveryCode: recoveryCodes[0]! });
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('user-name').count()).toBe(0);
    await context.close();
  });
});
