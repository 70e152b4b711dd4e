import path from 'node:path';
import type { CaseCategoryNode, CaseView, SlaEntry } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';

/**
 * The register and dispatch clocks as people see them: an administrator makes 社会治安 a category
 * registered automatically and gives 市容's garbage subcategory its own deadlines and breach
 * actions; a hotline report of 市容 (registered by hand, the default) then waits in the operator's
 * 待立案 queue with its clock until registered.
 */

describe.skipIf(chromiumTestMode() === 'skip')('立案 queue and clock configuration in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('an administrator sets automatic 立案 and a subcategory row with its breach actions', async () => {
    const page = await fixture.logIn('admin');
    const api = await fixture.env.login('admin');
    await page.goto(`${fixture.env.baseUrl}/#/admin`);
    await page.getByTestId('admin-categories').waitFor();

    // 立案 by hand is the default; a safety category registers automatically (decision 0029).
    expect(await page.getByTestId('category-public_order-registers-automatically').count()).toBe(0);
    await page.getByTestId('category-fire_safety-registers-automatically').waitFor();
    await page.getByTestId('category-public_order-edit').click();
    const auto = page.getByTestId('category-public_order-auto-register');
    expect(await auto.isChecked()).toBe(false);
    await auto.check();
    await page.getByTestId('category-public_order-save').click();
    await page.getByTestId('category-public_order-registers-automatically').waitFor();

    await page.getByTestId('sla-city_appearance-add-node').selectOption('city_appearance.garbage');
    await page.getByTestId('sla-city_appearance-add-severity').selectOption('warning');
    await page.getByTestId('sla-city_appearance-add-open').click();
    const prefix = 'sla-city_appearance.garbage-warning';
    await page.getByTestId(`${prefix}-form`).waitFor();
    // It opens with what applies today: the category's row.
    expect(await page.getByTestId(`${prefix}-accept`).inputValue()).toBe('2h');
    await page.getByTestId(`${prefix}-register`).fill('30m');
    await page.getByTestId(`${prefix}-dispatch`).fill('2wh');
    expect(await page.getByTestId(`${prefix}-dispatch-words`).textContent()).toContain('2 个工作小时');
    await page.getByTestId(`${prefix}-breach-register-supervise`).check();
    await page.getByTestId(`${prefix}-breach-register-escalate`).uncheck();
    await page.getByTestId(`${prefix}-breach-dispatch-remind`).check();
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-clock-breach.png'), fullPage: true });
    await page.getByTestId(`${prefix}-save`).click();
    await page.getByTestId(`${prefix}-form`).waitFor({ state: 'detached' });
    await page.getByTestId(prefix).waitFor();
    expect(await page.getByTestId(prefix).textContent()).toContain('垃圾');

    const config = await api.call<{ categories: CaseCategoryNode[]; slas: SlaEntry[] }>(
      'GET',
      '/api/case-config',
    );
    expect(config.body.categories.find((c) => c.key === 'public_order')?.autoRegister).toBe(true);
    expect(config.body.categories.find((c) => c.key === 'city_appearance')?.autoRegister).toBe(false);
    expect(
      config.body.slas.find((e) => e.category === 'city_appearance.garbage' && e.severity === 'warning')?.sla,
    ).toMatchObject({
      register: '30m',
      dispatch: '2wh',
      accept: '2h',
      breach: { register: ['supervise'], dispatch: ['remind', 'escalate'], accept: ['escalate'] },
    });
    await page.context().close();
  });

  it('a hotline report waits in the 待立案 queue with its clock; the operator registers it', async () => {
    const op = await fixture.env.login('op1');
    const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '居民来电：楼下乱倒垃圾',
      description: '3 号楼后面堆了建筑垃圾',
      category: 'city_appearance',
      subcategory: 'city_appearance.garbage',
      caseType: 'city_appearance.garbage.illegal_dumping',
      severity: 'warning',
      location: null,
      address: '江城社区 3 号楼',
      callerName: '李四',
      callerPhone: '13912345678',
      gridId: 'G01',
      assigneeId: null,
      overrideNote: null,
    });
    expect(filed.status).toBe(201);
    const waiting = filed.body.case;
    expect(waiting.state).toBe('reported');

    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/register`);
    await page.getByTestId('nav-register').waitFor();
    const row = page.locator(`[data-testid="register-row"][data-case-id="${waiting.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('register-clock').textContent()).toMatch(/剩 (29|30)分/);
    expect(await row.textContent()).toContain('热线投诉');
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-register-queue.png'), fullPage: true });

    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${waiting.id}/actions`));
    await row.getByTestId('register-case').click();
    expect((await answered).status()).toBe(200);
    await row.waitFor({ state: 'detached' });
    const detail = await op.call<{ case: CaseView }>('GET', `/api/cases/${waiting.id}`);
    expect(detail.body.case).toMatchObject({ state: 'dispatched', registerDueAt: null });
    await page.context().close();
  });
});
