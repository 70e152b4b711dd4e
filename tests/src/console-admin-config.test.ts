import type { DispatchRule, SlaEntry } from '@gridsense/core';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/** Editing the case configuration in real Chromium: SLAs, dispatch rules, rosters, channels. */

describe.skipIf(chromiumTestMode() === 'skip')('console case configuration in real Chromium', () => {
  const fixture = usePopulatedConsole();

  async function openAdmin(page: Page): Promise<void> {
    await page.goto(`${fixture.env.baseUrl}/#/admin`);
    await page.getByTestId('admin-categories').waitFor();
  }

  it('edits an SLA with the API errors inline; the change survives a reload and is audited', async () => {
    const page = await fixture.logIn('admin');
    // Signed in through the API before the change: the sign-in goes to the audit log too.
    const api = await fixture.env.login('admin');
    await openAdmin(page);
    const row = page.getByTestId('sla-fire_safety-critical');
    await page.getByTestId('sla-fire_safety-critical-edit').click();
    await page.getByTestId('sla-fire_safety-critical-accept').fill('soon');
    await page.getByTestId('sla-fire_safety-critical-escalateEveryMinutes').fill('');
    await page.getByTestId('sla-fire_safety-critical-save').click();
    await expect
      .poll(() => page.getByTestId('sla-fire_safety-critical-accept-error').textContent())
      .toBe('accept 必须是时限，如 15m、2h、1d、4wh 或 3wd');
    expect(await page.getByTestId('sla-fire_safety-critical-escalateEveryMinutes-error').textContent()).toBe(
      'escalateEveryMinutes 必须是不少于 1 的分钟数',
    );
    expect(await page.getByTestId('sla-fire_safety-critical-accept').getAttribute('aria-invalid')).toBe(
      'true',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-config-sla.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    await page.getByTestId('sla-fire_safety-critical-accept').fill('7m');
    await page.getByTestId('sla-fire_safety-critical-escalateEveryMinutes').fill('12');
    await page.getByTestId('sla-fire_safety-critical-save').click();
    await page.getByTestId('sla-fire_safety-critical-form').waitFor({ state: 'detached' });
    await page.reload();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/签收时限\s*7 分钟/);
    expect(await row.textContent()).toContain('超时每 12 分钟升级一级');

    const config = await api.call<{ slas: SlaEntry[] }>('GET', '/api/case-config');
    expect(
      config.body.slas.find((e) => e.category === 'fire_safety' && e.severity === 'critical')?.sla,
    ).toMatchObject({ accept: '7m', escalateEveryMinutes: 12 });

    await page.goto(`${fixture.env.baseUrl}/#/audit`);
    await page.getByTestId('audit-table').waitFor();
    const newest = page.getByTestId('audit-table').locator('tbody tr').first();
    expect(await newest.getAttribute('data-action')).toBe('admin.sla_set');
    expect(await newest.textContent()).toContain('修改处置时限');
    expect(await newest.textContent()).toContain('处置时限 消防安全 · 紧急');
    await page.context().close();
  });

  it('adds and edits dispatch rules, naming a missing person next to the lead', async () => {
    const page = await fixture.logIn('admin');
    // Signed in through the API before the change: the sign-in goes to the audit log too.
    const api = await fixture.env.login('admin');
    await openAdmin(page);
    await page.getByTestId('dispatch-new').click();
    await page.getByTestId('dispatch-new-id').fill('gas-g02');
    await page.getByTestId('dispatch-new-match').selectOption('gas_safety');
    await page.getByTestId('dispatch-new-region').selectOption('G02');
    await page.getByTestId('dispatch-new-lead-kind').selectOption('user');
    await page.getByTestId('dispatch-new-lead-user').fill('u-nobody');
    await page.getByTestId('dispatch-new-add-co').click();
    await page.getByTestId('dispatch-new-co-0-kind').selectOption('department');
    await page.getByTestId('dispatch-new-save').click();
    await expect
      .poll(() => page.getByTestId('dispatch-new-lead-error').textContent())
      .toBe('用户 u-nobody 不存在');

    await page.getByTestId('dispatch-new-lead-user').fill('u-worker04');
    await page.getByTestId('dispatch-new-note').fill('G02 燃气由 B 角主办');
    await page.getByTestId('dispatch-new-save').click();
    await page.getByTestId('dispatch-gas-g02').waitFor();

    // An existing rule: turn it off and change its note.
    await page.getByTestId('dispatch-gas-edit').click();
    await page.getByTestId('dispatch-gas-enabled').uncheck();
    await page.getByTestId('dispatch-gas-note').fill('燃气报警：暂停，改由 gas-g02');
    await page.getByTestId('dispatch-gas-save').click();
    await page.getByTestId('dispatch-gas-form').waitFor({ state: 'detached' });

    await page.reload();
    await page.getByTestId('dispatch-gas-g02').waitFor();
    expect(await page.getByTestId('dispatch-gas-g02').textContent()).toContain('G02 燃气由 B 角主办');
    expect(await page.getByTestId('dispatch-gas').textContent()).toContain('已停用');
    const rules = (await api.call<DispatchRule[]>('GET', '/api/admin/dispatch-rules')).body;
    expect(rules.find((r) => r.id === 'gas-g02')).toMatchObject({
      match: 'gas_safety',
      regionId: 'G02',
      lead: { kind: 'user', userId: 'u-worker04' },
      coHandlers: [{ kind: 'department' }],
    });
    expect(rules.find((r) => r.id === 'gas')?.enabled).toBe(false);

    await page.goto(`${fixture.env.baseUrl}/#/audit`);
    await page.getByTestId('audit-table').waitFor();
    const top = page.getByTestId('audit-table').locator('tbody tr');
    expect(await top.nth(0).getAttribute('data-entity')).toBe('dispatch_rule gas');
    expect(await top.nth(1).getAttribute('data-entity')).toBe('dispatch_rule gas-g02');
    expect(await top.nth(0).getAttribute('data-action')).toBe('admin.dispatch_rule_set');
    expect(await top.nth(0).textContent()).toContain('保存派遣规则');
    await page.context().close();
  });

  it('adds and deletes a roster shift and a channel, and fits a 360 px phone', async () => {
    const page = await fixture.logIn('admin', { viewport: PHONE });
    await openAdmin(page);
    const rosters = page.getByTestId('admin-rosters').locator('li');
    const before = await rosters.count();
    await page.getByTestId('roster-new').click();
    await page.getByTestId('roster-scope').selectOption('G01');
    await page.getByTestId('roster-user').fill('u-worker02');
    await page.getByTestId('roster-start').fill('20:00');
    await page.getByTestId('roster-end').fill('08:00');
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await page.getByTestId('roster-save').click();
    await expect.poll(() => rosters.count()).toBe(before + 1);
    const added = rosters.last();
    expect(await added.textContent()).toContain('20:00–08:00');
    await added.getByRole('button').click();
    await added.getByRole('button', { name: '确认删除' }).click();
    await expect.poll(() => rosters.count()).toBe(before);

    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-new-id').fill('ops-robot');
    await page.getByTestId('channel-new-name').fill('值班群机器人');
    await page.getByTestId('channel-new-url').fill('not a url');
    await page.getByTestId('channel-new-save').click();
    await expect
      .poll(() => page.getByTestId('channel-new-url-error').textContent())
      .toBe('url 必须是 http(s) 地址');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-config-phone.png'), fullPage: true });
    await expectNoSeriousViolations(page);
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await page.getByTestId('channel-new-url').fill('https://oapi.dingtalk.com/robot/send?access_token=x');
    await page.getByTestId('channel-new-kind').selectOption('dingtalk');
    await page.getByTestId('channel-new-secret').fill('SEC-123');
    await page.getByTestId('channel-new-save').click();
    await page.getByTestId('channel-ops-robot').waitFor();

    // An edit that leaves the secret blank keeps the stored one.
    await page.getByTestId('channel-ops-robot-edit').click();
    await page.getByTestId('channel-ops-robot-name').fill('值班群');
    await page.getByTestId('channel-ops-robot-save').click();
    await expect.poll(() => page.getByTestId('channel-ops-robot').textContent()).toContain('值班群');
    const api = await fixture.env.login('admin');
    const channels = await api.call<{ id: string; secret: string | null }[]>('GET', '/api/admin/channels');
    expect(channels.body.find((c) => c.id === 'ops-robot')?.secret).toBe('***');

    await page.getByTestId('channel-ops-robot-delete').click();
    await page.getByTestId('channel-ops-robot-delete-confirm').click();
    await page.getByTestId('channel-ops-robot').waitFor({ state: 'detached' });
    await page.context().close();
  });
});
