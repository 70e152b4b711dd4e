import type { CaseDetailView, CaseView, UnreadNoticesView } from '@gridsense/core';
import { rm } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE } from './harness/console-fixture';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/** The console's shell: notices, stale data, signing in again in place, the first screen. */
describe.skipIf(chromiumTestMode() === 'skip')('the console’s shell in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let op: ApiClient;
  let calls = 0;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    op = await env.login('op1');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function signedIn(
    username: string,
    options: { phone?: boolean; prepare?: (context: BrowserContext) => Promise<void> } = {},
  ): Promise<Page> {
    const context = await browser.newContext({
      viewport: options.phone ? PHONE : { width: 1280, height: 800 },
    });
    await options.prepare?.(context);
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state')).toBe('online');
    return page;
  }

  /** How many beeps the console has asked for (it counts them on `<html data-beeps>`). */
  const beeps = async (page: Page) =>
    Number(await page.evaluate(`document.documentElement.dataset.beeps ?? '0'`));
  const unreadBadge = (page: Page) => page.getByTestId('notice-unread');
  const unreadOnServer = async (page: Page) =>
    ((await page.evaluate(`fetch('/api/notifications/unread').then((r) => r.json())`)) as UnreadNoticesView)
      .unread;

  /** A 12345 call the operator types in; the grid's worker is dispatched to it at once. */
  async function hotline(title: string, severity: 'warning' | 'critical', gridId = 'G01'): Promise<CaseView> {
    calls += 1;
    const answer = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      category: 'fire_safety',
      severity,
      callerName: '周凯',
      callerPhone: `1370000${String(1000 + calls)}`,
      title,
      description: `${title}，请尽快处理`,
      gridId,
      address: null,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.case;
  }

  it('shows a worker’s notices as they come: a toast, the unread count kept by the server, a beep for a critical one unless muted', async () => {
    const page = await signedIn('worker01', { phone: true });
    expect(await unreadBadge(page).count()).toBe(0);
    const before = await beeps(page);

    const first = await hotline('楼道电动车充电起火', 'critical');
    expect(first.assigneeId).toBe('u-worker01');
    await page.getByTestId('toast').filter({ hasText: '楼道电动车充电起火' }).first().waitFor();
    await expect.poll(() => unreadBadge(page).textContent()).toMatch(/^\s*1\s*$/);
    expect(await beeps(page)).toBeGreaterThan(before);

    // The count is the server's: a reload (or another device) shows the same.
    await page.reload();
    await expect.poll(() => unreadBadge(page).textContent()).toMatch(/^\s*1\s*$/);
    await page.getByTestId('notice-bell').click();
    const item = page.getByTestId('notice-item').filter({ hasText: '楼道电动车充电起火' });
    await item.waitFor();
    expect(await item.locator('a').getAttribute('href')).toBe(`#/cases/${first.id}`);
    await expect.poll(() => unreadBadge(page).count()).toBe(0);
    expect(await unreadOnServer(page)).toBe(0);

    // Muted, a critical notice still shows and counts, silently.
    await page.getByTestId('sound-toggle').click();
    expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('false');
    const silent = await beeps(page);
    await hotline('配电箱冒烟', 'critical');
    await page.getByTestId('toast').filter({ hasText: '配电箱冒烟' }).first().waitFor();
    await expect.poll(() => unreadBadge(page).textContent()).toMatch(/^\s*1\s*$/);
    expect(await beeps(page)).toBe(silent);
    await page.context().close();
  });

  it('lets a dispatcher hear a new critical case, and only a critical one', async () => {
    const page = await signedIn('op2');
    const before = await beeps(page);
    await hotline('小区路灯不亮', 'warning', 'G02');
    await page.getByTestId('toast').filter({ hasText: '小区路灯不亮' }).first().waitFor();
    expect(await beeps(page)).toBe(before);
    await hotline('地下车库燃气泄漏', 'critical', 'G02');
    await page.getByTestId('toast').filter({ hasText: '地下车库燃气泄漏' }).first().waitFor();
    expect(await beeps(page)).toBe(before + 1);
    await page.context().close();
  });

  it('brings a dispatcher the notice of a return: a toast in the console’s words, the unread count, a beep when critical', async () => {
    const page = await signedIn('op2');
    const [dispatcher, worker02] = await Promise.all([env.login('op2'), env.login('worker02')]);
    const view = await hotline('电梯困人', 'critical', 'G01');
    const act = async (client: ApiClient, command: Record<string, unknown>) => {
      const answer = await client.call('POST', `/api/cases/${encodeURIComponent(view.id)}/actions`, command);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    };
    await act(dispatcher, { action: 'dispatch', assigneeId: 'u-worker02', note: '就近处理' });
    const before = await beeps(page);
    const unreadBefore = await unreadOnServer(page);
    await act(worker02, { action: 'return', reason: 'not_my_grid' });

    const toast = page.getByTestId('toast').filter({ hasText: '被退单' }).filter({ hasText: '电梯困人' });
    await toast.first().waitFor();
    expect(await toast.first().locator('a').getAttribute('href')).toBe(`#/cases/${view.id}`);
    await expect
      .poll(() => unreadBadge(page).textContent())
      .toMatch(new RegExp(`^\\s*${unreadBefore + 1}\\s*$`));
    expect(await beeps(page)).toBe(before + 1);
    await page.context().close();
  });

  it('marks only one’s own notices read, and refuses a malformed request', async () => {
    const [worker01, worker03] = await Promise.all([env.login('worker01'), env.login('worker03')]);
    const theirs = await worker01.call<{ id: number; read: boolean }[]>('GET', '/api/notifications');
    const unread = theirs.body.filter((n) => !n.read);
    expect(unread.length).toBeGreaterThan(0);
    const other = await worker03.call<UnreadNoticesView>('POST', '/api/notifications/read', {
      ids: unread.map((n) => n.id),
    });
    expect(other.status).toBe(200);
    const still = await worker01.call<UnreadNoticesView>('GET', '/api/notifications/unread');
    expect(still.body.unread).toBe(unread.length);

    for (const body of [{ ids: 'all' }, { ids: [1], upTo: 2 }, { upTo: -1 }, {}, { ids: [1.5] }]) {
      const refused = await worker01.call<{ error: { code: string } }>(
        'POST',
        '/api/notifications/read',
        body,
      );
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    const mine = await worker01.call<UnreadNoticesView>('POST', '/api/notifications/read', {
      upTo: Math.max(...unread.map((n) => n.id)),
    });
    expect(mine.body).toEqual({ unread: 0 });
  });

  it('says the data is stale and since when while the server is out of reach, and stops once it is back', async () => {
    let down = false;
    const open: WebSocketRoute[] = [];
    const page = await signedIn('op2', {
      prepare: async (context) => {
        // The server out of reach, as the browser sees it: polls fail, sockets close and stay shut.
        await context.route('**/socket.io/**', (route) => (down ? route.abort() : route.continue()));
        await context.routeWebSocket(/\/socket\.io\//, (ws) => {
          if (down) return void ws.close();
          ws.connectToServer();
          open.push(ws);
        });
      },
    });
    // A case of its own, so the list has a running countdown whichever tests ran before.
    await hotline('地下车库烟味', 'warning');
    await page.goto(`${env.baseUrl}/#/cases`);
    await page.getByTestId('deadline').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('stale-banner').count()).toBe(0);

    const lost = Date.now();
    down = true;
    for (const ws of open) await ws.close();
    const banner = page.getByTestId('stale-banner');
    await banner.waitFor();
    const since = Number(await banner.getAttribute('data-since'));
    expect(since).toBeGreaterThanOrEqual(lost - 1000);
    expect(since).toBeLessThanOrEqual(Date.now());
    const clock = (await page.evaluate(`new Date(${since}).toTimeString().slice(0, 8)`)) as string;
    expect(await banner.textContent()).toContain(clock);
    expect(await page.locator('main[data-stale]').count()).toBe(1);
    expect(await page.getByTestId('conn-status').getAttribute('title')).toContain(clock);

    down = false;
    await expect
      .poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('online');
    expect(await banner.count()).toBe(0);
    expect(await page.locator('main[data-stale]').count()).toBe(0);
    await page.context().close();
  });

  it('speaks the browser’s language until one is chosen, with the username focused in a <main> on the login page', async () => {
    const firstScreen = async (locale: string, stored?: string) => {
      const context = await browser.newContext({ locale });
      if (stored) await context.addInitScript(`localStorage.setItem('gs_lang', '${stored}')`);
      const page = await context.newPage();
      await page.goto(`${env.baseUrl}/#/login`);
      await page.getByTestId('login-form').waitFor();
      const seen = (await page.evaluate(`({
        lang: document.documentElement.lang,
        focused: document.activeElement?.getAttribute('data-testid'),
        formInMain: document.querySelector('main [data-testid="login-form"]') !== null,
      })`)) as { lang: string; focused: string | null; formInMain: boolean };
      const submit = await page.getByTestId('login-submit').textContent();
      await context.close();
      return { ...seen, submit: submit?.trim() };
    };
    expect(await firstScreen('en-US')).toEqual({
      lang: 'en',
      focused: 'login-username',
      formInMain: true,
      submit: 'Sign in',
    });
    expect((await firstScreen('zh-CN')).lang).toBe('zh-CN');
    expect((await firstScreen('en-US', 'zh-CN')).lang).toBe('zh-CN');
    expect((await firstScreen('fr-FR')).lang).toBe('zh-CN');
  });

  it('keeps the tabs in sight on a phone when the page scrolls', async () => {
    const page = await signedIn('op2', { phone: true });
    await page.goto(`${env.baseUrl}/#/cases`);
    await page.getByTestId('cases-count').waitFor();
    // However long the list is here, the page gets room to scroll.
    await page.evaluate(`document.querySelector('main').style.minHeight = '3000px'`);
    await page.evaluate(`window.scrollTo(0, 1500)`);
    await expect.poll(() => page.evaluate(`window.scrollY`)).toBeGreaterThan(1000);
    const tab = await page.getByTestId('nav-cases').boundingBox();
    expect(tab).not.toBeNull();
    expect(tab!.y).toBeGreaterThanOrEqual(0);
    expect(tab!.y + tab!.height).toBeLessThanOrEqual(PHONE.height / 3);
    await page.context().close();
  });

  async function typeHotlineCall(page: Page, title: string): Promise<void> {
    await page.goto(`${env.baseUrl}/#/hotline`);
    await page.getByTestId('hotline-caller').fill('吴芳');
    await page.getByTestId('hotline-phone').fill('13900002222');
    await page.getByTestId('hotline-title').fill(title);
    await page.getByTestId('hotline-description').fill('单元门禁坏了三天，夜里无法关闭');
    await page.getByTestId('place-search').fill('G04');
    await page.getByTestId('place-G04').click();
  }

  /** Ends the page's session on the server, as an expiry or a sign-out elsewhere would. */
  async function endSessionOf(page: Page): Promise<void> {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'gs_session')!;
    const ended = await fetch(`${env.baseUrl}/api/session`, {
      method: 'DELETE',
      headers: { cookie: `gs_session=${cookie.value}`, origin: env.baseUrl },
    });
    expect(ended.status).toBe(204);
  }

  it('keeps a half-typed form when the session ends: signing in again over the page, the same form submits', async () => {
    const page = await signedIn('op2');
    await typeHotlineCall(page, '单元门禁损坏');
    // The console learns of it from the live connection the server closes (or the next request).
    await endSessionOf(page);
    const dialog = page.getByTestId('reauth');
    await dialog.waitFor();
    expect(await dialog.getByTestId('login-username').inputValue()).toBe('op2');

    await fillSignIn(page, env, 'op2');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('hotline-title').inputValue()).toBe('单元门禁损坏');
    expect(await page.getByTestId('hotline-phone').inputValue()).toBe('13900002222');
    await page.getByTestId('hotline-submit').click();
    await page.waitForURL(/#\/cases\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('#/cases/')[1]!);
    const made = await op.call<CaseDetailView>('GET', `/api/cases/${encodeURIComponent(id)}`);
    expect(made.body.case.title).toBe('单元门禁损坏');
    // The live connection the server closed is open again.
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state')).toBe('online');
    await page.context().close();
  });

  it('starts afresh when someone else signs in over the page (their typing is not shown)', async () => {
    const page = await signedIn('op2');
    await typeHotlineCall(page, '另一位接线员的草稿');
    await endSessionOf(page);
    await page.getByTestId('reauth').waitFor();
    await fillSignIn(page, env, 'op1');
    await page.getByTestId('reauth').waitFor({ state: 'hidden' });
    await page.getByTestId('hotline-title').waitFor();
    expect(await page.getByTestId('hotline-title').inputValue()).toBe('');
    const me = (await page.evaluate(`fetch('/api/me').then((r) => r.json())`)) as { username: string };
    expect(me.username).toBe('op1');
    await page.context().close();
  });
});
