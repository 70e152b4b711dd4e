import type { CaseDetailView, CaseView, NotificationView } from '@gridsense/core';
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn } from './harness/console-fixture';
import { publishEvent, publishReading, startSnapshotServer, type SeqCounter } from './harness/demo-activity';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Case fusion as the command centre sees it: a hotline hazard and a nearby smoke alarm stay two
 * cases that name each other; a camera 254 m from the smoke detector joins the alarm's case, and
 * its row shows what it is (title, device, place, frame) and that it raised the severity.
 */
describe.skipIf(chromiumTestMode() === 'skip')('case fusion in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let snapshots: Awaited<ReturnType<typeof startSnapshotServer>>;
  const seqs: SeqCounter = new Map();
  /** The cases the first test leaves: the smoke alarm's (with the camera) and the hazard call's. */
  const ids = { alarm: '', call: '' };

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    snapshots = await startSnapshotServer();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await snapshots?.close();
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
    return page;
  }

  async function pollCase(op: ApiClient, match: (view: CaseView) => boolean): Promise<CaseView> {
    let found: CaseView | undefined;
    await expect
      .poll(
        async () => {
          const { body } = await op.call<CaseView[]>('GET', '/api/cases?scope=open');
          found = body.find(match);
          return found !== undefined;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    return found!;
  }

  it('a hazard call and an alarm stay apart; a nearby camera joins the alarm, shown as itself, and the desk is told', async () => {
    const op = await env.login('op1');
    const device = (id: string) => env.devices.find((d) => d.id === id)!;
    const smoke = device('smoke-G01-2');
    const camera = device('camera-G01-4');

    // 1. A hotline call about stored goods in a stairwell (a fire hazard, not a fire).
    const call = await op.call<{ outcome: string; case: CaseView }>('POST', '/api/cases/hotline', {
      title: '楼道堆物',
      description: '3 号楼 2 单元楼道堆放纸箱杂物',
      category: 'fire_safety',
      subcategory: 'fire_safety.hazard',
      caseType: 'fire_safety.hazard.corridor_storage',
      severity: 'warning',
      gridId: 'G01',
      address: '江城社区 3 号楼 2 单元',
      callerName: '李四',
      callerPhone: '13900001111',
    });
    expect(call.status).toBe(201);
    expect(call.body.outcome).toBe('opened');

    // 2. The smoke detector alarms (warning): its own case, not swallowed by the call's.
    await publishReading(env.mqttUrl, smoke, seqs, { smoke: 7, temperature: 30, battery: 90 });
    const alarm = await pollCase(op, (v) => v.deviceId === smoke.id);
    expect(alarm.id).not.toBe(call.body.case.id);
    expect(alarm).toMatchObject({ severity: 'warning', source: 'auto' });

    // The operator has the console open on the alarm's case.
    const page = await openAs('op1', `#/cases/${alarm.id}`);
    await page.getByTestId('case-title').waitFor({ timeout: 20_000 });

    // 3. The camera 254 m away sees fire and smoke: it joins the alarm's case and raises it.
    await publishEvent(env.mqttUrl, camera, seqs, {
      type: 'fire_smoke',
      confidence: 0.93,
      snapshot: snapshots.url,
    });
    await expect
      .poll(async () => (await op.call<CaseDetailView>('GET', `/api/cases/${alarm.id}`)).body.case.severity, {
        timeout: 20_000,
      })
      .toBe('critical');
    const callCase = (await op.call<CaseDetailView>('GET', `/api/cases/${call.body.case.id}`)).body.case;
    expect(callCase).toMatchObject({ title: '楼道堆物', severity: 'warning', sourceCount: 1 });

    // The desk heard it: a severity_raised notice for the operator (the console's toast shows it).
    await expect
      .poll(
        async () =>
          (await op.call<NotificationView[]>('GET', '/api/notifications')).body
            .filter((n) => n.kind === 'severity_raised')
            .flatMap((n) => n.caseIds),
        { timeout: 20_000 },
      )
      .toContain(alarm.id);

    ids.alarm = alarm.id;
    ids.call = call.body.case.id;

    // …and sees it at once, as a toast on the screen they have open.
    await expect
      .poll(async () => (await page.getByTestId('toast').allTextContents()).join('\n'), { timeout: 20_000 })
      .toContain('融合信号提升级别：烟雾浓度超限');

    // 4. In the console, the joined camera's row says what it is, where, and what it did.
    const row = page.locator('[data-testid="timeline-entry"][data-action="linked"]');
    await row.waitFor({ timeout: 20_000 });
    const source = row.getByTestId('linked-source');
    await expect.poll(() => source.getAttribute('data-kind')).toBe('auto');
    expect(await source.getByTestId('linked-source-title').textContent()).toBe('视频识别烟火');
    const deviceText = await source.getByTestId('linked-source-device').textContent();
    expect(deviceText).toContain('江城社区第1网格 智能摄像头 4号');
    expect(deviceText).toContain('智能摄像头');
    expect(await source.getByTestId('linked-source-place').textContent()).toBe('30.26758, 120.15329');
    expect(await source.getByTestId('linked-source-raised').textContent()).toContain('等级由预警升为紧急');
    expect(await source.getByRole('link', { name: /抓拍画面/ }).getAttribute('href')).toBe(snapshots.url);
    expect(await row.textContent()).not.toMatch(/\blinked\b/);

    // 5. The alarm's case names the hazard call as possibly related, with a link to it.
    const related = page.getByTestId(`related-case-${call.body.case.id}`);
    await related.waitFor();
    expect(await related.textContent()).toContain('楼道堆物');
    await related.getByRole('link').click();
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe('楼道堆物');
    // …and the call's case names the alarm back.
    await page.getByTestId(`related-case-${alarm.id}`).waitFor();
    await page.context().close();
  }, 180_000);
  it('an operator merges the hazard call into the alarm case by hand: it shows as itself there and closes as a duplicate', async () => {
    // The cases the first test opened: this test goes on from them.
    expect(ids.alarm).not.toBe('');
    expect(ids.call).not.toBe('');
    const page = await openAs('op1', `#/cases/${ids.alarm}`);
    const merge = page.getByTestId(`merge-${ids.call}`);
    await merge.waitFor({ timeout: 20_000 });
    expect(await merge.getAttribute('aria-label')).toBe('将“楼道堆物”并入本工单');
    await merge.click();
    const merged = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${ids.alarm}/merge`));
    await page.getByTestId(`merge-confirm-${ids.call}`).click();
    expect((await merged).status()).toBe(200);
    await expect
      .poll(async () =>
        (await page.getByTestId('toast').allTextContents()).some((x) => x.includes('已并入本工单：楼道堆物')),
      )
      .toBe(true);

    // The merged call is a row of its own on the alarm case: title, place, and who did it.
    const row = page.locator('[data-testid="timeline-entry"][data-action="merged"]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.locator('strong').first().textContent()).toBe('人工合并');
    const source = row.getByTestId('linked-source');
    expect(await source.getAttribute('data-kind')).toBe('hotline');
    expect(await source.getByTestId('linked-source-title').textContent()).toBe('楼道堆物');
    expect(await source.getByTestId('linked-source-place').textContent()).toBe('江城社区 3 号楼 2 单元');

    const op = await env.login('op1');
    const call = (await op.call<CaseDetailView>('GET', `/api/cases/${ids.call}`)).body.case;
    expect(call).toMatchObject({ state: 'closed' });
    const alarm = (await op.call<CaseDetailView>('GET', `/api/cases/${ids.alarm}`)).body;
    expect(alarm.sources.map((s) => s.kind)).toEqual(['auto', 'auto', 'hotline']);

    // A grid worker sees no merge button at all.
    const worker = await openAs('worker01', `#/cases/${ids.alarm}`);
    await worker.getByTestId(`related-case-${ids.call}`).waitFor({ timeout: 20_000 });
    expect(await worker.getByTestId(`merge-${ids.call}`).count()).toBe(0);
    await worker.context().close();
    await page.context().close();
  }, 180_000);
  it('a worker’s patrol report with a photo, merged in, shows its photo, place and reporter on the kept case', async () => {
    expect(ids.alarm).not.toBe('');
    const worker = await env.login('worker01');
    const photo = await worker.call<{ url: string }>('POST', '/api/photos', PNG);
    expect(photo.status).toBe(201);
    const report = await worker.call<{ outcome: string; caseId: string }>('POST', '/api/cases/reports', {
      title: '2 单元楼道有烟味',
      description: '楼道里能闻到烟味',
      category: 'fire_safety',
      severity: 'warning',
      location: { lat: 30.2672, lng: 120.1507 },
      address: '江城社区 2 单元',
      photos: [photo.body.url],
    });
    expect(report.status).toBe(201);
    expect(report.body.outcome).toBe('opened');

    const page = await openAs('op1', `#/cases/${ids.alarm}`);
    await page.getByTestId(`merge-${report.body.caseId}`).click({ timeout: 20_000 });
    await page.getByTestId(`merge-confirm-${report.body.caseId}`).click();
    const row = page
      .locator('[data-testid="timeline-entry"][data-action="merged"]')
      .filter({ hasText: '2 单元楼道有烟味' });
    await row.waitFor({ timeout: 20_000 });
    const source = row.getByTestId('linked-source');
    expect(await source.getAttribute('data-kind')).toBe('patrol');
    expect(await source.getByTestId('linked-source-place').textContent()).toBe('江城社区 2 单元');
    expect(await source.textContent()).toContain('网格员');
    const image = row.locator(`img[src="${photo.body.url}"]`);
    await image.waitFor();
    // The photo is really there for the operator (served, decoded), not a broken link.
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
        timeout: 20_000,
      })
      .toBe(1);
    await page.context().close();
  }, 180_000);
});
