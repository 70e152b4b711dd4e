import type { CaseDetailView, CaseView } from '@gridsense/core';
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn } from './harness/console-fixture';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * The desk's merge by caller (一人多诉) and split (拆分) on the case page: the same caller's other
 * call is offered with why and merged in two taps; a second matter in the call is split off into
 * a case of its own, each timeline linking the other. A grid worker sees neither.
 */
describe.skipIf(chromiumTestMode() === 'skip')('merge by caller and split in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let op: ApiClient;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    op = await env.login('op1');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function openAs(username: string, hash: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/${hash}`);
    await page.getByTestId('case-title').waitFor({ timeout: 20_000 });
    return page;
  }

  async function hotline(body: Record<string, unknown>): Promise<string> {
    const response = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '楼道堆物',
      description: '3 号楼 2 单元楼道堆放纸箱杂物，楼道灯也坏了',
      category: 'fire_safety',
      subcategory: 'fire_safety.hazard',
      caseType: 'fire_safety.hazard.corridor_storage',
      severity: 'warning',
      gridId: 'G01',
      address: '江城社区 3 号楼 2 单元',
      callerName: '李四',
      callerPhone: '13900001111',
      ...body,
    });
    expect(response.status).toBe(201);
    return response.body.case.id;
  }

  it('an operator merges the same caller’s other call, then splits the light off into a case of its own', async () => {
    const corridor = await hotline({});
    // The same caller rang again from another number format, about the same stairwell (another grid's desk took it).
    const again = await hotline({
      title: '楼道杂物还没清',
      description: '又打来说楼道杂物',
      gridId: 'G02',
      address: null,
      callerPhone: '+86 139-0000-1111',
    });
    const page = await openAs('op1', `#/cases/${corridor}`);

    // 1. The other call is offered, and why: the same caller.
    const candidate = page.getByTestId(`merge-candidate-${again}`);
    await candidate.waitFor({ timeout: 20_000 });
    expect(await candidate.textContent()).toContain('楼道杂物还没清');
    expect(await candidate.locator('[data-reason]').allTextContents()).toEqual(['同一来电人']);
    const mergeButton = page.getByTestId(`merge-candidate-${again}-merge`);
    expect(await mergeButton.getAttribute('aria-label')).toBe('将“楼道杂物还没清”并入本工单');
    await mergeButton.click();
    const merged = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${corridor}/merge`));
    await page.getByTestId(`merge-candidate-${again}-merge-confirm`).click();
    expect((await merged).status()).toBe(200);
    await page.locator('[data-testid="timeline-entry"][data-action="merged"]').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.getByTestId(`merge-candidate-${again}`).count(), { timeout: 20_000 })
      .toBe(0);
    expect((await op.call<CaseDetailView>('GET', `/api/cases/${again}`)).body.case).toMatchObject({
      state: 'closed',
      duplicateOfId: corridor,
    });

    // 2. The broken light is another matter: split off with its own category and severity.
    await page.getByTestId('split-open').click();
    await page.getByTestId('split-title').fill('楼道灯不亮');
    await page.getByTestId('split-description').fill('3 号楼 2 单元楼道灯损坏，夜间漆黑');
    await page.getByTestId('split-category').selectOption('facility');
    await page.getByTestId('split-severity').selectOption('info');
    await page.getByTestId('split-note').fill('来电人一次反映了两件事');
    const split = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${corridor}/split`));
    await page.getByTestId('split-submit').click();
    const response = await split;
    expect(response.status()).toBe(201);
    const { created } = (await response.json()) as { created: CaseView };
    expect(await page.getByTestId('split-created').textContent()).toContain(created.id);

    // Both timelines name the other; the link goes to the new case, which links back.
    const entry = page.locator('[data-testid="timeline-entry"][data-action="split"]');
    await entry.waitFor({ timeout: 20_000 });
    expect(await entry.locator('strong').first().textContent()).toBe('拆分出新工单');
    expect(await entry.textContent()).toContain('来电人一次反映了两件事');
    await entry.getByTestId('timeline-split').getByRole('link').click();
    await expect
      .poll(() => page.getByTestId('case-title').textContent(), { timeout: 20_000 })
      .toBe('楼道灯不亮');
    const back = page.locator('[data-testid="timeline-entry"][data-action="split_from"]');
    await back.waitFor({ timeout: 20_000 });
    expect(await back.getByTestId('timeline-split').textContent()).toContain(corridor);
    const detail = (await op.call<CaseDetailView>('GET', `/api/cases/${created.id}`)).body.case;
    expect(detail).toMatchObject({
      category: 'facility',
      severity: 'info',
      source: 'hotline',
      gridId: 'G01',
    });
    expect(detail.requester).toMatchObject({ name: '李*', phone: '139****1111' });
    await page.context().close();
  }, 180_000);

  it('a split into the same matter is refused with its reason in Chinese; a grid worker sees no merge or split at all', async () => {
    const lamp = await hotline({
      title: '路灯不亮',
      description: '小区门口路灯不亮',
      category: 'facility',
      subcategory: null,
      caseType: null,
    });
    const page = await openAs('op1', `#/cases/${lamp}`);
    await page.getByTestId('split-open').click();
    await page.getByTestId('split-title').fill('路灯不亮');
    await page.getByTestId('split-description').fill('还是路灯');
    await page.getByTestId('split-category').selectOption('facility');
    const split = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${lamp}/split`));
    await page.getByTestId('split-submit').click();
    expect((await split).status()).toBe(400);
    const error = page.getByTestId('split-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('新工单必须是另一件事项：请修改标题或类别');
    await page.context().close();

    const worker = await openAs('worker01', `#/cases/${lamp}`);
    await worker.getByTestId('timeline').waitFor({ timeout: 20_000 });
    expect(await worker.getByTestId('merge-candidates').count()).toBe(0);
    expect(await worker.getByTestId('split-case').count()).toBe(0);
    await worker.context().close();
  }, 180_000);
});
