import { appendAudit, openStateDb } from '@gridsense/state';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';

/** The audit page in real Chromium: newest first past 1,000 entries, pages, filters, links, names. */
describe.skipIf(chromiumTestMode() === 'skip')('the audit page', () => {
  const fixture = usePopulatedConsole();

  it('pages a long log newest first, filters it, names what it shows and links to the cases', async () => {
    const caseId = fixture.cases.smoke.id;
    const db = await openStateDb(path.join(fixture.env.dataDir, 'state.db'));
    let newest: number;
    try {
      // 1,100 entries from a second connection with the same key file, the newest about a case.
      await appendAudit(
        db,
        Array.from({ length: 1_100 }, (_, i) => ({
          at: Date.now() - (1_100 - i) * 1_000,
          actorId: 'u-admin',
          actorName: '系统管理员',
          action: i % 2 === 0 ? 'admin.person_updated' : 'admin.sla_set',
          entityType: i === 1_099 ? 'case' : i % 2 === 0 ? 'user' : 'sla',
          entityId: i === 1_099 ? caseId : i % 2 === 0 ? 'u-worker01' : 'fire_safety/critical',
          data: { i },
        })),
      );
      newest = (
        await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').executeTakeFirstOrThrow()
      ).seq;
    } finally {
      await db.destroy();
    }
    expect(newest).toBeGreaterThan(1_100);

    const page = await fixture.logIn('op1');
    await page.goto(`${fixture.env.baseUrl}/#/audit`);
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    const seqs = async () =>
      (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid') ?? ''))).map((id) =>
        Number(id.slice('audit-'.length)),
      );
    // The newest entry on top (the sign-in since is newer still), then one page after another.
    expect((await seqs())[0]).toBeGreaterThanOrEqual(newest);
    await page.getByTestId('audit-more').click();
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByTestId('audit-more').click();
    await expect.poll(() => rows.count()).toBe(150);
    const shown = await seqs();
    expect(shown.every((seq, i) => i === 0 || seq === shown[i - 1]! - 1)).toBe(true);

    // Names, not codes: the action, the person, the deadline row.
    const person = page.locator('tr[data-action="admin.person_updated"]').first();
    expect(await person.innerText()).toContain('修改人员信息');
    expect(await person.innerText()).not.toMatch(/admin\.|u-worker01/);
    const sla = page.locator('tr[data-entity="sla fire_safety/critical"]').first();
    expect(await sla.innerText()).toContain('处置时限 消防安全 · 紧急');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-paged.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    // Filter: what one person did to deadlines within today; then only this actor.
    await page.getByTestId('audit-filter-action').selectOption('admin.sla_set');
    await page.getByTestId('audit-search').click();
    await expect
      .poll(() =>
        rows.evaluateAll((trs) => trs.every((tr) => tr.getAttribute('data-action') === 'admin.sla_set')),
      )
      .toBe(true);
    expect(await rows.count()).toBe(50);
    await rows.first().getByTestId('audit-actor').click();
    await page.getByTestId('audit-actor-filter').waitFor();
    expect(await page.getByTestId('audit-actor-filter').innerText()).toContain('系统管理员');
    await page.getByTestId('audit-clear').click();
    await page.getByTestId('audit-actor-filter').waitFor({ state: 'detached' });

    // A case entry links to the case.
    await page.getByTestId('audit-filter-entity').selectOption('case');
    await page.getByTestId('audit-filter-entity-id').fill(caseId);
    await page.getByTestId('audit-search').click();
    await expect
      .poll(() =>
        rows.evaluateAll(
          (trs, entity) => trs.every((tr) => tr.getAttribute('data-entity') === entity),
          `case ${caseId}`,
        ),
      )
      .toBe(true);
    await page.getByTestId('audit-case-link').first().click();
    await page.waitForURL(`**/#/cases/${caseId}`);
    await page.context().close();
  });
});
