import type { Browser, Page } from 'playwright-core';
import { publishHistory, publishReading, publishStatus } from '../harness/demo-activity';
import { startTestPlatform, TEST_PASSWORD, type TestPlatform } from '../harness/test-platform';

/**
 * The demo as `npm start` runs it, only faster: the built-in simulator on, every one of the
 * district's devices reporting every `intervalMs` (the demo's 5 s by default) with random risks,
 * so cases keep arriving and the map, the case list and the open case page get live pushes.
 */
export function startLiveDistrict(staticDir: string, intervalMs = 1000): Promise<TestPlatform> {
  return startTestPlatform({
    staticDir,
    env: { GRIDSENSE_SIMULATOR: 'on', GRIDSENSE_SIM_INTERVAL_MS: String(intervalMs) },
  });
}

/**
 * The district mid-shift: every device online with half an hour of readings, two in alarm, one
 * offline, and open cases from the hotline (what the figures were measured against).
 */
export async function populateDistrict(env: TestPlatform, hotlineCases: number): Promise<void> {
  const seqs = await publishHistory(env.mqttUrl, env.devices, {
    now: Date.now(),
    spanMs: 30 * 60_000,
    stepMs: 5 * 60_000,
  });
  const pick = (type: string, gridId: string) =>
    env.devices.find((d) => d.type === type && d.gridId === gridId)!;
  await publishReading(env.mqttUrl, pick('smoke_detector', 'G01'), seqs, {
    smoke: 22,
    temperature: 38,
    battery: 80,
  });
  await publishReading(env.mqttUrl, pick('electrical_fire', 'G03'), seqs, {
    leakage_current: 420,
    cable_temperature: 78,
  });
  await publishStatus(env.mqttUrl, pick('smoke_detector', 'G05'), 'offline');
  await seedOpenCases(env, hotlineCases);
}

/** Open cases of both severities across the district's grids, so both pages have rows and pins. */
export async function seedOpenCases(env: TestPlatform, count: number): Promise<void> {
  const op = await env.login('op1');
  const grids = ['G01', 'G02', 'G03', 'G04', 'G05', 'G06'];
  for (let i = 0; i < count; i++) {
    const answer = await op.call('POST', '/api/cases/hotline', {
      category: 'fire_safety',
      severity: i % 3 === 0 ? 'critical' : 'warning',
      callerName: '陈静',
      callerPhone: `1360000${String(1000 + i)}`,
      title: `消防通道堆物 ${i + 1}`,
      description: '楼道内堆放杂物，影响通行',
      gridId: grids[i % grids.length],
      address: null,
    });
    if (answer.status !== 201)
      throw new Error(`hotline ${i}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** A desktop page signed in as `username` (its second factor from the platform's authenticator). */
export async function openSoakPage(browser: Browser, env: TestPlatform, username: string): Promise<Page> {
  if (!env.authenticator.isEnrolled(username)) await env.login(username);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${env.baseUrl}/#/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  if (env.authenticator.isEnrolled(username)) {
    const factor = env.authenticator.nextFactor(username);
    if ('code' in factor) await page.getByTestId('login-code').fill(factor.code);
    else {
      await page.getByTestId('login-toggle-recovery').click();
      await page.getByTestId('login-recovery-code').fill(factor.recoveryCode);
    }
    await page.getByTestId('login-submit').click();
  }
  await page.getByTestId('user-name').waitFor();
  return page;
}

/**
 * Live activity while the soak runs, as a working district sends it: one device's status flips
 * and readings arrive every `everyMs` (device:status and overview refreshes reach the console).
 * Returns the stop function.
 */
export function keepDistrictBusy(env: TestPlatform, everyMs: number): () => Promise<void> {
  const device = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G02')!;
  const seqs = new Map<string, number>([[device.id, 10_000]]);
  let online = false;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await publishStatus(env.mqttUrl, device, online ? 'online' : 'offline');
      online = !online;
      await publishReading(env.mqttUrl, device, seqs, { smoke: 0.5, temperature: 24, battery: 90 });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/**
 * Cases that surely arrive (the simulator's random risks may bring none in a short run): every
 * `everyMs` a smoke alarm from the next grid's smoke detector, over MQTT as the device would send
 * it. Returns the stop function.
 */
export function keepAlarmsComing(env: TestPlatform, everyMs: number): () => Promise<void> {
  const detectors = [
    ...new Map(env.devices.filter((d) => d.type === 'smoke_detector').map((d) => [d.gridId, d])).values(),
  ];
  const seqs = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const device = detectors[i % detectors.length]!;
      await publishReading(env.mqttUrl, device, seqs, { smoke: 25, temperature: 41, battery: 80 });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })().catch((error: unknown) => {
    if (!stopped) throw error;
  });
  return async () => {
    stopped = true;
    await loop;
  };
}
