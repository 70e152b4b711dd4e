import type { AuditEntryView } from '@gridsense/core';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chromiumTestMode } from './harness/chromium';
import { usePopulatedConsole } from './harness/console-fixture';

/** The console's side of the audit log, in real Chromium: exports on record, the anchor shown. */
describe.skipIf(chromiumTestMode() === 'skip')('the console and the audit log', () => {
  const fixture = usePopulatedConsole();

  it('records each CSV export it saves in the audit log, with its table and rows', async () => {
    const page = await fixture.logIn('op1');
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('breakdown-grid').waitFor();
    const recorded = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url().endsWith('/api/audit/exports'),
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('csv-grid').click(),
    ]);
    const body = (await recorded).postDataJSON() as { table: string; rows: number };
    const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
    expect(body).toMatchObject({ table: 'grid', rows: lines.length - 1 });

    const admin = await fixture.env.login('admin');
    const entries = (await admin.call<AuditEntryView[]>('GET', '/api/audit?entityType=analytics&entityId=D1'))
      .body;
    expect(entries.map((e) => [e.action, e.actorId, (e.data as { rows: number }).rows])).toEqual([
      ['analytics.exported', 'u-op1', lines.length - 1],
    ]);
    await page.context().close();
  });

  it('shows how far the chain is anchored outside the database', async () => {
    const page = await fixture.logIn('admin', { locale: 'en' });
    await page.goto(`${fixture.env.baseUrl}/#/audit`);
    await expect.poll(() => page.getByTestId('audit-verify').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('audit-anchor').textContent()).toMatch(
      /^\s*Anchored outside the database up to entry \d+ \(/,
    );
    await page.context().close();
  });
});
