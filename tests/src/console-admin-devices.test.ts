import type { DeviceRegistryView } from '@gridsense/core';
import mqtt from 'mqtt';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { publishReading } from './harness/demo-activity';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/** The device registry in real Chromium: filters, registration with a once-shown secret, rotation. */

describe.skipIf(chromiumTestMode() === 'skip')('console device registry in real Chromium', () => {
  const fixture = usePopulatedConsole();
  const connect = (id: string, secret: string) =>
    mqtt.connectAsync(fixture.env.mqttUrl, {
      clientId: id,
      username: id,
      password: secret,
      reconnectPeriod: 0,
    });

  it('lists devices with reject counters and filters them by grid, type and online', async () => {
    const page = await fixture.logIn('eng1');
    await page.getByTestId('nav-devices').click();
    const table = page.getByTestId('device-registry');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(fixture.env.devices.length);
    expect(
      Number(await page.getByTestId(`rejects-${fixture.smoke.id}`).textContent()),
    ).toBeGreaterThanOrEqual(2);

    await page.getByTestId('filter-grid').selectOption('G01');
    await page.getByTestId('filter-type').selectOption('smoke_detector');
    await expect.poll(() => rows.count()).toBeLessThan(fixture.env.devices.length);
    const expected = fixture.env.devices.filter((d) => d.gridId === 'G01' && d.type === 'smoke_detector');
    const shown = await Promise.all((await rows.all()).map((row) => row.getAttribute('data-testid')));
    expect(shown.sort()).toEqual(expected.map((d) => `registry-${d.id}`).sort());

    // The one device that said "offline" (G05's smoke detector) is the only offline smoke detector.
    await page.getByTestId('filter-grid').selectOption('');
    await page.getByTestId('filter-report').selectOption('offline');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-online')).toBe('false');
    expect(await rows.first().getAttribute('data-report')).toBe('offline');
    await page.context().close();
  });

  it('registers a device, shows its secret once with a copy button, and the broker accepts it', async () => {
    const page = await fixture.logIn('eng1');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: fixture.env.baseUrl,
    });
    await page.goto(`${fixture.env.baseUrl}/#/devices`);
    await page.getByTestId('device-register').waitFor();

    // The API's validation messages appear next to the fields they name.
    await page.getByTestId('register-id').fill('bad id');
    await page.getByTestId('register-submit').click();
    await expect
      .poll(() => page.getByTestId('register-id-error').textContent())
      .toContain('id 必须是 1–64 个字符');
    expect(await page.getByTestId('register-type-error').textContent()).toContain('type 必须是以下之一：');
    expect(await page.getByTestId('register-grid-error').textContent()).toContain(
      'gridId 必须是您辖区内的网格',
    );
    expect(await page.getByTestId('register-id').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('register-id').fill('UI-GAS-1');
    await page.getByTestId('register-type').selectOption('gas_detector');
    await page.getByTestId('register-grid').selectOption('G02');
    await page.getByTestId('register-name').fill('G02 燃气 新装');
    await page.getByTestId('register-submit').click();
    const secret = await page.getByTestId('device-secret').inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await page.getByTestId('secret-copy').click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(secret);

    // With it, what the installer needs: the broker on the host the console was reached at,
    // the client id, the topics and the session, each with a copy button.
    const shownUrl = await page.getByTestId('connection-mqtt').inputValue();
    expect(shownUrl).toBe(`mqtt://127.0.0.1:${fixture.env.platform.mqttPort}`);
    expect(await page.getByTestId('connection-websocket').inputValue()).toBe(
      `${fixture.env.baseUrl.replace(/^http/, 'ws')}/mqtt`,
    );
    expect(await page.getByTestId('connection-client-id').inputValue()).toBe('UI-GAS-1');
    const telemetryTopic = await page.getByTestId('connection-topic-telemetry').inputValue();
    expect(telemetryTopic).toBe('gs/v1/G02/UI-GAS-1/telemetry');
    expect(await page.getByTestId('connection-topic-event').inputValue()).toBe('gs/v1/G02/UI-GAS-1/event');
    expect(await page.getByTestId('connection-topic-status').inputValue()).toBe('gs/v1/G02/UI-GAS-1/status');
    expect(await page.getByTestId('connection-session').textContent()).toContain('clean: false');
    expect(await page.getByTestId('connection-will').textContent()).toContain('{"state":"offline"}');
    await page.getByTestId('connection-copy-topic-telemetry').click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(telemetryTopic);
    // What the panel shows is enough: a device set up from it alone gets its reading acknowledged.
    const installed = await mqtt.connectAsync(shownUrl, {
      clientId: await page.getByTestId('connection-client-id').inputValue(),
      username: await page.getByTestId('connection-client-id').inputValue(),
      password: secret,
      clean: false,
      reconnectPeriod: 0,
    });
    // QoS 1: resolves on the PUBACK, which GridSense sends once the reading is stored.
    await installed.publishAsync(telemetryTopic, JSON.stringify({ seq: 1, metrics: { gas_lel: 2 } }), {
      qos: 1,
    });
    await installed.endAsync();
    const eng = await fixture.env.login('eng1');
    const stored = await eng.call<{ latest: Record<string, { value: number }> }>(
      'GET',
      '/api/devices/UI-GAS-1',
    );
    expect(stored.body.latest.gas_lel?.value).toBe(2);
    await page.getByTestId('registry-UI-GAS-1').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-devices.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    const seqs = new Map<string, number>([['UI-GAS-1', 2]]);
    const device = { id: 'UI-GAS-1', gridId: 'G02', type: 'gas_detector', secret };
    await publishReading(fixture.env.mqttUrl, device, seqs, { gas_lel: 3 });
    const health = await eng.call<{ latest: Record<string, { value: number }> }>(
      'GET',
      '/api/devices/UI-GAS-1',
    );
    expect(health.body.latest.gas_lel?.value).toBe(3);

    // Closed, and not there after a reload either: nothing can show it again.
    await page.getByTestId('secret-done').click();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    await page.reload();
    await page.getByTestId('registry-UI-GAS-1').waitFor();
    expect(await page.getByTestId('secret-once').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // Rotation asks first; the session open on the old secret is ended, the old secret is then
    // refused at CONNECT, and the new one works.
    const onOldSecret = await connect('UI-GAS-1', secret);
    await page.getByTestId('rotate-UI-GAS-1').click();
    await page.getByTestId('rotate-confirm-UI-GAS-1').click();
    await expect.poll(() => page.getByTestId('device-secret').inputValue()).not.toBe(secret);
    const rotated = await page.getByTestId('device-secret').inputValue();
    // Shown where the eye is: right under the row it was asked from, and on screen.
    const row = (await page.getByTestId('registry-UI-GAS-1').boundingBox())!;
    const shown = (await page.getByTestId('secret-row-UI-GAS-1').boundingBox())!;
    expect(Math.abs(shown.y - (row.y + row.height))).toBeLessThan(4);
    const viewport = page.viewportSize()!;
    const value = (await page.getByTestId('device-secret').boundingBox())!;
    expect(value.y).toBeGreaterThanOrEqual(0);
    expect(value.y + value.height).toBeLessThanOrEqual(viewport.height);
    await expect.poll(() => onOldSecret.connected).toBe(false);
    await expect(connect('UI-GAS-1', secret)).rejects.toThrow(/Bad username or password/i);
    await publishReading(fixture.env.mqttUrl, { ...device, secret: rotated }, seqs, { gas_lel: 4 });
    const after = await eng.call<{ latest: Record<string, { value: number }> }>(
      'GET',
      '/api/devices/UI-GAS-1',
    );
    expect(after.body.latest.gas_lel?.value).toBe(4);

    // Disabled from the list: its open session ends, and it is refused even with the current secret.
    const beforeDisable = await connect('UI-GAS-1', rotated);
    await page.getByTestId('toggle-UI-GAS-1').click();
    await expect.poll(() => page.getByTestId('registry-UI-GAS-1').getAttribute('data-enabled')).toBe('false');
    await expect.poll(() => beforeDisable.connected).toBe(false);
    await expect(connect('UI-GAS-1', rotated)).rejects.toThrow(/Bad username or password/i);
    const listed = await eng.call<DeviceRegistryView[]>('GET', '/api/devices?gridId=G02');
    expect(listed.body.find((d) => d.id === 'UI-GAS-1')?.enabled).toBe(false);
    await page.context().close();
  }, 120_000);

  it('fits a 360 px phone in English, and stays away from operators', async () => {
    const page = await fixture.logIn('admin', { viewport: PHONE, locale: 'en' });
    await page.getByTestId('nav-devices').click();
    await page.getByTestId('device-registry').waitFor();
    await page.getByTestId('filter-grid').selectOption('G03');
    const g03 = fixture.env.devices.find((d) => d.gridId === 'G03')!.id;
    await page.getByTestId(`rotate-${g03}`).click();
    expect(await page.getByTestId('devices-page').textContent()).toContain('The old secret stops working');
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    // The new secret with its connection details fits the phone too.
    await page.getByTestId(`rotate-confirm-${g03}`).click();
    await page.getByTestId('device-connection').waitFor();
    expect(await page.getByTestId('device-connection').textContent()).toContain('Telemetry topic');
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-devices-phone.png'), fullPage: true });
    await expectNoSeriousViolations(page);
    await page.context().close();

    const operator = await fixture.logIn('op1');
    expect(await operator.getByTestId('nav-devices').count()).toBe(0);
    await operator.goto(`${fixture.env.baseUrl}/#/devices`);
    await expect
      .poll(() => operator.getByTestId('devices-error').textContent())
      .toMatch(/只有工程师和管理员可以管理设备台账/);
    await operator.context().close();
  });
});
