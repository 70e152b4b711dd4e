import type { CaseView } from '@gridsense/core';
import type { DeviceCredential } from '@gridsense/state';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium';
import { buildConsole } from './console-build';
import {
  publishEvent,
  publishHistory,
  publishReading,
  publishStatus,
  startSnapshotServer,
  waitForDeviceRejects,
  waitForOpenCases,
  type SeqCounter,
} from './demo-activity';
import { startTestPlatform, TEST_PASSWORD, type TestPlatform } from './test-platform';

/** Screenshots land here (CI keeps the folder). */
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../test-results/screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export interface PopulatedConsole {
  env: TestPlatform;
  browser: Browser;
  seqs: SeqCounter;
  /** The cases the risks opened, by what raised them. */
  cases: Record<'smoke' | 'cable' | 'camera' | 'gas', CaseView>;
  /** G01's first smoke detector: the smoke case's device, with history and a few rejects. */
  smoke: DeviceCredential;
  logIn(username: string, options?: { viewport?: typeof DESKTOP; locale?: 'zh-CN' | 'en' }): Promise<Page>;
  stop(): Promise<void>;
}

function pick(devices: readonly DeviceCredential[], type: string, gridId?: string): DeviceCredential {
  const found = devices.find((d) => d.type === type && (gridId === undefined || d.gridId === gridId));
  if (!found) throw new Error(`the demo district has no ${type}${gridId ? ` in ${gridId}` : ''}`);
  return found;
}

/**
 * The demo district with two hours of normal readings from every device, one device offline, a
 * few rejected payloads, and four risks that opened cases: what an operator sees mid-shift.
 */
export async function startPopulatedConsole(): Promise<PopulatedConsole> {
  // Released in reverse order by stop(), or here if setting up fails halfway.
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const consoleDir = await buildConsole();
    cleanups.push(() => rm(consoleDir, { recursive: true, force: true }));
    const env = await startTestPlatform({ staticDir: consoleDir });
    cleanups.push(() => env.stop());
    const snapshots = await startSnapshotServer();
    cleanups.push(() => snapshots.close());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    await mkdir(SCREENSHOTS, { recursive: true });
    const populated = await populate(env, snapshots.url);
    return {
      env,
      browser,
      ...populated,
      logIn: (username, options) => logIn(env, browser, username, options),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The populated console for the enclosing `describe`: started before its tests, stopped after
 * them. The returned object reads through to the started console, so tests use it as one.
 */
export function usePopulatedConsole(): PopulatedConsole {
  let started: PopulatedConsole | undefined;
  beforeAll(async () => {
    started = await startPopulatedConsole();
  }, 90_000);
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): PopulatedConsole => {
    if (!started) throw new Error('the populated console is used before it started');
    return started;
  };
  return {
    get env() {
      return current().env;
    },
    get browser() {
      return current().browser;
    },
    get seqs() {
      return current().seqs;
    },
    get cases() {
      return current().cases;
    },
    get smoke() {
      return current().smoke;
    },
    logIn: (username, options) => current().logIn(username, options),
    stop: () => current().stop(),
  };
}

async function populate(
  env: TestPlatform,
  snapshotUrl: string,
): Promise<Pick<PopulatedConsole, 'seqs' | 'cases' | 'smoke'>> {
  const { devices, mqttUrl } = env;
  const seqs = await publishHistory(mqttUrl, devices, {
    now: Date.now(),
    spanMs: 2 * 3600_000,
    stepMs: 60_000,
  });
  const smoke = pick(devices, 'smoke_detector', 'G01');
  const cable = pick(devices, 'electrical_fire', 'G03');
  const camera = pick(devices, 'camera', 'G02');
  const gas = pick(devices, 'gas_detector');
  await publishReading(mqttUrl, smoke, seqs, { smoke: 22, temperature: 38, battery: 80 });
  await publishReading(mqttUrl, cable, seqs, { leakage_current: 420, cable_temperature: 78 });
  await publishReading(mqttUrl, gas, seqs, { gas_lel: 31 });
  await publishEvent(mqttUrl, camera, seqs, { type: 'fire_smoke', confidence: 0.93, snapshot: snapshotUrl });
  // Bad data is counted per reason on the device page.
  await publishReading(mqttUrl, smoke, seqs, { smoke: 150 });
  await publishReading(mqttUrl, smoke, seqs, { smoke: 0.2 }, Date.now() + 3600_000);
  await publishStatus(mqttUrl, pick(devices, 'smoke_detector', 'G05'), 'offline');

  const operator = await env.login('op1');
  const open = await waitForOpenCases(operator, 4);
  await waitForDeviceRejects(operator, smoke.id, 2);
  const byDevice = (device: DeviceCredential) => {
    const found = open.find((view) => view.deviceId === device.id);
    if (!found) throw new Error(`no case for ${device.id}`);
    return found;
  };
  return {
    seqs,
    smoke,
    cases: { smoke: byDevice(smoke), cable: byDevice(cable), camera: byDevice(camera), gas: byDevice(gas) },
  };
}

/** A fresh browser context, signed in; a phone gets touch and a 2× screen. */
async function logIn(
  env: TestPlatform,
  browser: Browser,
  username: string,
  options: { viewport?: typeof DESKTOP; locale?: 'zh-CN' | 'en' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...((options.viewport?.width ?? DESKTOP.width) <= PHONE.width
      ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
      : {}),
  });
  if (options.locale === 'en') await context.addInitScript(`localStorage.setItem('gs_lang', 'en')`);
  const page = await context.newPage();
  await page.goto(`${env.baseUrl}/#/login`);
  await fillSignIn(page, env, username);
  await page.getByTestId('user-name').waitFor();
  return page;
}

/**
 * Fills in the console's sign-in form (the page is on it). With the test password, a role that
 * requires two-factor sign-in is enrolled through the API first (once per platform); an enrolled
 * person then answers the second step with their next code.
 */
export async function fillSignIn(
  page: Page,
  env: TestPlatform,
  username: string,
  password = TEST_PASSWORD,
): Promise<void> {
  if (password === TEST_PASSWORD && !env.authenticator.isEnrolled(username)) await env.login(username);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  if (env.authenticator.isEnrolled(username)) await enterSecondFactor(page, env, username);
}

/** The console's second sign-in step: the next code, or a recovery code once those are spent. */
export async function enterSecondFactor(page: Page, env: TestPlatform, username: string): Promise<void> {
  const factor = env.authenticator.nextFactor(username);
  if ('recoveryCode' in factor) {
    await page.getByTestId('login-toggle-recovery').click();
    await page.getByTestId('login-recovery-code').fill(factor.recoveryCode);
  } else if ('code' in factor) {
    await page.getByTestId('login-code').fill(factor.code);
  }
  await page.getByTestId('login-submit').click();
}

/**
 * A password an administrator issued must be replaced at the first sign-in: fills in the
 * console's forced change-password page (the new one meets the policy).
 */
export async function chooseNewPassword(
  page: Page,
  issued: string,
  next = 'Night-patrol-2026',
): Promise<void> {
  await page.getByTestId('password-forced').waitFor();
  await page.getByTestId('password-current').fill(issued);
  await page.getByTestId('password-new').fill(next);
  await page.getByTestId('password-again').fill(next);
  await page.getByTestId('password-submit').click();
}
