import { apiText } from '@gridsense/core';
import { recordAttempt, type StateDb } from '@gridsense/state';
import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn } from './harness/console-fixture';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/**
 * Why a delivery failed, in the delivery log of the admin page: rendered from its key in the
 * reader's language, and a failure stored as text alone shown as it was stored.
 */
describe.skipIf(chromiumTestMode() === 'skip')('delivery failures in the console in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  const ids = { keyed: 0, errcode: 0, textOnly: 0 };

  /** A message to a channel that failed for good (the delivery worker leaves it alone). */
  async function failedMessage(db: StateDb, targetId: string, lastError: string | null): Promise<number> {
    const now = Date.now();
    const row = await db
      .insertInto('notification_messages')
      .values({
        target_kind: 'channel',
        target_id: targetId,
        group_key: `case:console-deliveries-${targetId}`,
        kind: 'opened',
        severity: 'warning',
        title: '楼道堆物',
        lines: JSON.stringify(['新事件：楼道堆物']),
        case_ids: JSON.stringify([]),
        notice_count: 1,
        status: 'failed',
        attempts: 0,
        not_before: now,
        last_error: lastError,
        created_at: now,
        sent_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    const db = await env.openState();
    try {
      const now = Date.now();
      ids.keyed = await failedMessage(db, 'console-keyed', null);
      await recordAttempt(
        db,
        ids.keyed,
        {
          at: now,
          ok: false,
          statusCode: 502,
          failure: apiText('delivery.httpStatus', { status: 502 }),
          durationMs: 5,
        },
        { status: 'failed', notBefore: now },
      );
      ids.errcode = await failedMessage(db, 'console-errcode', null);
      await recordAttempt(
        db,
        ids.errcode,
        {
          at: now,
          ok: false,
          statusCode: 200,
          failure: apiText('delivery.errcode', { code: 310000, message: 'keywords not in content' }),
          durationMs: 5,
        },
        { status: 'failed', notBefore: now },
      );
      // Text with no key, as a row no migration could key would be: shown as stored.
      ids.textOnly = await failedMessage(db, 'console-text', 'the moon is made of cheese');
    } finally {
      await db.destroy();
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function deliveryErrors(locale: 'zh-CN' | 'en'): Promise<Record<keyof typeof ids, string>> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    if (locale === 'en') await context.addInitScript(`localStorage.setItem('gs_lang', 'en')`);
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'admin');
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/#/admin`);
    const errorOf = (id: number) => page.getByTestId(`delivery-${id}`).getByTestId('delivery-error');
    await errorOf(ids.keyed).waitFor();
    const shown = {
      keyed: await errorOf(ids.keyed).innerText(),
      errcode: await errorOf(ids.errcode).innerText(),
      textOnly: await errorOf(ids.textOnly).innerText(),
    };
    await context.close();
    return shown;
  }

  it('renders each failure from its key in Chinese and in English', async () => {
    expect(await deliveryErrors('zh-CN')).toEqual({
      keyed: '对方返回 HTTP 502',
      errcode: '对方错误码 310000：keywords not in content',
      textOnly: 'the moon is made of cheese',
    });
    expect(await deliveryErrors('en')).toEqual({
      keyed: 'The other side answered HTTP 502',
      errcode: 'Error code 310000 from the other side: keywords not in content',
      textOnly: 'the moon is made of cheese',
    });
  });
});
