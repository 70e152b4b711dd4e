import path from 'node:path';
import type { CaseDetailView, CaseView } from '@gridsense/core';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import type { ApiClient } from './harness/test-platform';

/**
 * 不予立案 and 非属地 as people see them: the operator declines one waiting hotline report and
 * returns another upstream from the 待立案 queue, each with a reason picked from the list; on a
 * case page the street's desk declines a third. A grid worker is offered neither.
 */

const hotline = async (op: ApiClient, title: string): Promise<CaseView> => {
  const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
    title,
    description: `${title}（来电反映）`,
    category: 'city_appearance',
    severity: 'warning',
    gridId: 'G01',
    callerName: '王五',
    callerPhone: '13712345678',
  });
  expect(filed.status).toBe(201);
  expect(filed.body.case.state).toBe('reported');
  return filed.body.case;
};

const caseDetail = async (page: Page, id: string) =>
  (await page.evaluate(`fetch('/api/cases/${id}').then((r) => r.json())`)) as CaseDetailView;

/** Picks a reason, writes the note and submits the form of this kind, waiting for the server's answer. */
async function submitOutcome(
  page: Page,
  scope: Page | Locator,
  caseId: string,
  kind: 'decline' | 'return_upstream',
  reason: string,
  note: string,
): Promise<void> {
  const form = scope.getByTestId(`${kind}-form`);
  await form.waitFor();
  const submit = form.getByTestId(`${kind}-submit`);
  expect(await submit.isDisabled()).toBe(true);
  await form.getByTestId(`${kind}-reason`).selectOption(reason);
  // A reason alone is not enough: the note says why (or where it belongs).
  expect(await submit.isDisabled()).toBe(true);
  await form.getByTestId(`${kind}-note`).fill(note);
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/actions`));
  await submit.click();
  expect((await answered).status()).toBe(200);
}

describe.skipIf(chromiumTestMode() === 'skip')('不予立案 and 非属地 in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('the operator declines one report and returns another upstream from the 待立案 queue', async () => {
    const op = await fixture.env.login('op1');
    const noise = await hotline(op, '来电反映楼上邻居深夜吵闹');
    const river = await hotline(op, '来电反映区界河道漂浮垃圾');

    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/register`);
    const rowOf = (id: string) => page.locator(`[data-testid="register-row"][data-case-id="${id}"]`);
    await rowOf(noise.id).waitFor();
    await rowOf(noise.id).getByTestId('decline-case').click();
    expect(await page.getByTestId('deciding-case').textContent()).toContain(noise.title);
    // The reason list is 不予立案's own, in Chinese.
    const options = await page.getByTestId('decline-reason').locator('option').allTextContents();
    expect(options.slice(1)).toEqual(['重复工单', '非治理事项', '信息不足', '其他']);
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-register-decline.png'), fullPage: true });
    await submitOutcome(
      page,
      page,
      noise.id,
      'decline',
      'not_governance',
      '属邻里纠纷，已建议来电人找物业调解',
    );
    await rowOf(noise.id).waitFor({ state: 'detached' });
    expect((await caseDetail(page, noise.id)).case).toMatchObject({
      state: 'closed',
      closeReason: 'declined',
    });

    await rowOf(river.id).getByTestId('return-upstream-case').click();
    const upstream = await page.getByTestId('return_upstream-reason').locator('option').allTextContents();
    expect(upstream.slice(1)).toEqual(['属其他区', '非街道职责']);
    await submitOutcome(
      page,
      page,
      river.id,
      'return_upstream',
      'other_district',
      '河道东岸属邻区，退回 12345',
    );
    await rowOf(river.id).waitFor({ state: 'detached' });
    const detail = await caseDetail(page, river.id);
    expect(detail.case).toMatchObject({ state: 'closed', closeReason: 'returned_upstream' });
    expect(detail.timeline.at(-1)).toMatchObject({
      action: 'return_upstream',
      data: { reason: 'other_district' },
    });

    // The analytics count both apart, beside 作废, 误报 and 重复件.
    await page.goto(`${fixture.env.baseUrl}/#/analytics`);
    const voided = page.getByTestId('stat-voided');
    await voided.waitFor();
    expect(await voided.locator('[data-reason="declined"]').textContent()).toBe('不予立案 1');
    expect(await voided.locator('[data-reason="returned_upstream"]').textContent()).toBe('非属地 1');
    // G01 lies in 江城社区 (C1): its row has them in their own columns.
    const community = page.getByTestId('unit-community-C1');
    expect(await community.getByTestId('unit-declined').textContent()).toBe('1');
    expect(await community.getByTestId('unit-returned-upstream').textContent()).toBe('1');
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'analytics-declined-upstream.png'),
      fullPage: true,
    });
    await page.context().close();
  });

  it('on the case page the street desk declines a report; a grid worker is offered neither move', async () => {
    const op = await fixture.env.login('op1');
    const sign = await hotline(op, '来电反映小区门口广告牌');

    const worker = await fixture.logIn('worker01');
    await worker.goto(`${fixture.env.baseUrl}/#/cases/${sign.id}`);
    await worker.getByTestId('timeline').waitFor();
    expect(await worker.getByTestId('action-decline').count()).toBe(0);
    expect(await worker.getByTestId('action-return_upstream').count()).toBe(0);
    await worker.context().close();

    const desk = await fixture.logIn('street1');
    await desk.goto(`${fixture.env.baseUrl}/#/cases/${sign.id}`);
    await desk.getByTestId('action-return_upstream').waitFor();
    // 作废 keeps its own three reasons; 不予立案 and 非属地 are moves of their own.
    await desk.getByTestId('action-void').click();
    const voidReasons = await desk.getByTestId('void-reason').locator('option').allTextContents();
    expect(voidReasons.slice(1)).toEqual(['作废', '误报', '重复工单']);
    await desk.getByTestId('action-decline').click();
    await submitOutcome(
      desk,
      desk,
      sign.id,
      'decline',
      'insufficient_info',
      '来电人未留具体楼号，回拨无人接听',
    );
    const closedAs = desk.getByTestId('closed-as');
    await closedAs.waitFor();
    expect(await closedAs.getAttribute('data-reason')).toBe('declined');
    expect(await closedAs.textContent()).toContain('不予立案');
    const entry = desk.locator('[data-testid="timeline-entry"][data-action="decline"]');
    expect(await entry.textContent()).toContain('信息不足');
    await expectNoSeriousViolations(desk);
    await desk.screenshot({ path: path.join(SCREENSHOTS, 'desk-case-declined.png'), fullPage: true });
    await desk.context().close();
  });
});
