import path from 'node:path';
import type { CaseDetailView, CaseView } from '@gridsense/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';

/**
 * 延期 and 督办 as people see them: a worker on a phone asks for more working days, the community
 * supervisor approves and the case shows its new deadline; the supervisor puts another case under
 * 督办 and finds it in the 督办 queue with the note on its timeline; a request refused with a reason
 * leaves the deadline where it was, and 督办 is lifted from the case page.
 */

const axeProblems = async (page: Page) =>
  describeViolations(seriousViolations(await findAxeViolations(page)));

async function caseDetail(page: Page, caseId: string): Promise<CaseDetailView> {
  return (await page.evaluate(`fetch('/api/cases/${caseId}').then((r) => r.json())`)) as CaseDetailView;
}

const actionsOf = (page: Page, caseId: string) =>
  page.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/actions`));

describe.skipIf(chromiumTestMode() === 'skip')('延期 and 督办 in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('a worker requests 延期 on a phone; the supervisor approves and the deadline shown moves', async () => {
    const { cable } = fixture.cases;
    expect(cable).toMatchObject({ gridId: 'G03', assigneeId: 'u-worker05' });
    const api = await fixture.env.login('worker05');
    expect(
      (await api.call<CaseView>('POST', `/api/cases/${cable.id}/actions`, { action: 'accept' })).status,
    ).toBe(200);

    const worker = await fixture.logIn('worker05', { viewport: PHONE });
    await worker.goto(`${fixture.env.baseUrl}/#/cases/${cable.id}`);
    const before = Number(await worker.getByTestId('case-resolve-due').getAttribute('data-due'));
    expect(before).toBeGreaterThan(0);
    await worker.getByTestId('action-request_extension').click();
    await worker.getByTestId('request_extension-form').waitFor();
    expect(await worker.getByTestId('request_extension-submit').isDisabled()).toBe(true);
    await worker.getByTestId('request_extension-days').fill('2');
    await worker.getByTestId('request_extension-note').fill('需供电所停电后更换电缆');
    expect(await axeProblems(worker)).toBe('');
    const asked = actionsOf(worker, cable.id);
    await worker.getByTestId('request_extension-submit').click();
    expect((await asked).status()).toBe(200);
    await worker.getByTestId('case-extension-pending').waitFor();
    expect(await worker.getByTestId('case-extension-pending').textContent()).toContain('2 个工作日');
    // The worker cannot decide their own request.
    expect(await worker.getByTestId('action-approve_extension').count()).toBe(0);
    await worker.screenshot({ path: path.join(SCREENSHOTS, 'worker-extension-request.png'), fullPage: true });
    await worker.context().close();

    const page = await fixture.logIn('sup1');
    await page.goto(`${fixture.env.baseUrl}/#/cases/${cable.id}`);
    await page.getByTestId('case-extension-pending').waitFor();
    const approved = actionsOf(page, cable.id);
    await page.getByTestId('action-approve_extension').click();
    expect((await approved).status()).toBe(200);
    await expect.poll(() => page.getByTestId('case-extension-pending').count()).toBe(0);
    const moved = (await caseDetail(page, cable.id)).case.resolveDueAt!;
    expect(moved).toBeGreaterThan(before);
    await expect
      .poll(async () => Number(await page.getByTestId('case-resolve-due').getAttribute('data-due')))
      .toBe(moved);
    const entry = page.locator('[data-testid="timeline-entry"][data-action="approve_extension"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('批准延期 2 个工作日');
    const request = page.locator('[data-testid="timeline-entry"][data-action="request_extension"]');
    expect(await request.textContent()).toContain('需供电所停电后更换电缆');
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'supervisor-extension-approved.png'),
      fullPage: true,
    });
    await page.context().close();
  });

  it('a supervisor puts a case under 督办: it is in the 督办 queue and the note is on its timeline', async () => {
    const { camera } = fixture.cases;
    expect(camera.gridId).toBe('G02');
    const page = await fixture.logIn('sup1');
    await page.goto(`${fixture.env.baseUrl}/#/cases/${camera.id}`);
    await page.getByTestId('action-supervise').click();
    await page.getByTestId('supervise-form').waitFor();
    expect(await page.getByTestId('supervise-submit').isDisabled()).toBe(true);
    await page.getByTestId('supervise-note').fill('烟火告警反复出现，限两小时内到场');
    const put = actionsOf(page, camera.id);
    await page.getByTestId('supervise-submit').click();
    expect((await put).status()).toBe(200);
    await page.getByTestId('case-supervised').waitFor();
    const entry = page.locator('[data-testid="timeline-entry"][data-action="supervise"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('督办');
    expect(await entry.textContent()).toContain('烟火告警反复出现，限两小时内到场');

    // The 督办 queue: the list with only supervised cases.
    await page.goto(`${fixture.env.baseUrl}/#/cases`);
    await page.getByTestId('filter-supervised').check();
    const rows = page.locator('[data-testid="case-table"] tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-testid')).toBe(`case-${camera.id}`);
    expect(page.url()).toContain('supervised=1');
    expect(await axeProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'supervision-queue.png'), fullPage: true });
    await page.context().close();
  });

  it('a supervisor refuses a 延期 request with a reason (the deadline stays) and lifts 督办', async () => {
    const { cable, camera } = fixture.cases;
    const worker = await fixture.env.login('worker05');
    const held = await worker.call<CaseDetailView>('GET', `/api/cases/${cable.id}`);
    if (held.body.case.state === 'dispatched')
      expect(
        (await worker.call<CaseView>('POST', `/api/cases/${cable.id}/actions`, { action: 'accept' })).status,
      ).toBe(200);
    const asked = await worker.call<CaseView>('POST', `/api/cases/${cable.id}/actions`, {
      action: 'request_extension',
      days: 3,
      reason: '材料未到货',
    });
    expect(asked.status).toBe(200);
    const dueBefore = asked.body.resolveDueAt;
    expect(dueBefore).toBeGreaterThan(0);
    const sup = await fixture.env.login('sup1');
    if ((await sup.call<CaseDetailView>('GET', `/api/cases/${camera.id}`)).body.case.supervisedAt === null)
      expect(
        (
          await sup.call<CaseView>('POST', `/api/cases/${camera.id}/actions`, {
            action: 'supervise',
            reason: '限期到场',
          })
        ).status,
      ).toBe(200);

    const page = await fixture.logIn('sup1');
    await page.goto(`${fixture.env.baseUrl}/#/cases/${cable.id}`);
    await page.getByTestId('case-extension-pending').waitFor();
    await page.getByTestId('action-refuse_extension').click();
    await page.getByTestId('refuse_extension-form').waitFor();
    // A refusal without its reason is not offered.
    expect(await page.getByTestId('refuse_extension-submit').isDisabled()).toBe(true);
    await page.getByTestId('refuse_extension-note').fill('可先临时接线恢复供电');
    const refused = actionsOf(page, cable.id);
    await page.getByTestId('refuse_extension-submit').click();
    expect((await refused).status()).toBe(200);
    await expect.poll(() => page.getByTestId('case-extension-pending').count()).toBe(0);
    const after = (await caseDetail(page, cable.id)).case;
    expect(after.resolveDueAt).toBe(dueBefore);
    expect(after.extensionRequest).toBeNull();
    const entry = page.locator('[data-testid="timeline-entry"][data-action="refuse_extension"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('可先临时接线恢复供电');

    await page.goto(`${fixture.env.baseUrl}/#/cases/${camera.id}`);
    await page.getByTestId('case-supervised').waitFor();
    const lifted = actionsOf(page, camera.id);
    await page.getByTestId('action-unsupervise').click();
    expect((await lifted).status()).toBe(200);
    await expect.poll(() => page.getByTestId('case-supervised').count()).toBe(0);
    expect((await caseDetail(page, camera.id)).case.supervisedAt).toBeNull();
    await page.locator('[data-testid="timeline-entry"][data-action="unsupervise"]').waitFor();
    expect(await page.getByTestId('action-supervise').count()).toBe(1);
    await page.context().close();
  });
});
