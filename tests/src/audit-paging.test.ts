import type { AuditEntryView } from '@gridsense/core';
import { appendAudit } from '@gridsense/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startWithAdminClients } from './harness/admin-clients';
import type { ApiClient, TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };
type Entry = AuditEntryView & { entityName: string | null };

/** The audit log pages newest first past any length, filtered by who, what, about what and when. */
describe.each(stateDialects())('paging and filtering the audit log (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  /** When the bulk entries were written: one minute apart, ending an hour ago. */
  const base = Date.now() - 3_600_000 - 1_200 * 60_000;

  beforeAll(async () => {
    ({ env, admin } = await startWithAdminClients('worker01', {}, dialect));
    // 1,200 entries from a second connection with the same keys: more than any one answer holds.
    const db = await env.openState();
    try {
      await appendAudit(
        db,
        Array.from({ length: 1_200 }, (_, i) => ({
          at: base + i * 60_000,
          actorId: i % 3 === 0 ? 'u-op1' : 'u-admin',
          actorName: i % 3 === 0 ? '值班员一' : '管理员',
          action: i % 2 === 0 ? 'admin.test_even' : 'admin.test_odd',
          entityType: 'user',
          entityId: i % 5 === 0 ? 'u-worker01' : 'u-worker02',
          data: { i },
        })),
      );
    } finally {
      await db.destroy();
    }
  });
  afterAll(async () => env?.stop());

  const page = (query: string) => admin.call<Entry[]>('GET', `/api/audit?${query}`);

  it('pages back newest first by sequence number, to the very first entry', async () => {
    const seen: number[] = [];
    let cursor = '';
    for (let pages = 0; pages < 20; pages++) {
      const answer = await page(`order=desc&limit=250${cursor}`);
      expect(answer.status).toBe(200);
      if (answer.body.length === 0) break;
      seen.push(...answer.body.map((e) => e.seq));
      cursor = `&beforeSeq=${answer.body.at(-1)!.seq}`;
    }
    expect(seen.length).toBeGreaterThan(1_200);
    // Strictly descending and without a gap: every entry once, down to the first.
    expect(seen.every((seq, i) => i === 0 || seq === seen[i - 1]! - 1)).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it('filters by actor, action, what the entry is about and a time range, and names people', async () => {
    const byOp = (await page('order=desc&limit=1000&actor=u-op1&action=admin.test_even')).body;
    expect(byOp).toHaveLength(200); // i ≡ 0 (mod 6) below 1,200
    expect(byOp.every((e) => e.actorId === 'u-op1' && e.action === 'admin.test_even')).toBe(true);

    const about = (await page('order=desc&limit=1000&entityType=user&entityId=u-worker01')).body;
    expect(about.length).toBeGreaterThanOrEqual(240);
    expect(about.every((e) => e.entityId === 'u-worker01')).toBe(true);
    expect(new Set(about.map((e) => e.entityName))).toEqual(new Set([about[0]!.entityName]));
    expect(about[0]!.entityName).not.toBe('u-worker01');
    expect(about[0]!.entityName).toMatch(/\p{Script=Han}/u);

    const from = base + 100 * 60_000;
    const to = base + 110 * 60_000;
    const window = (await page(`order=desc&from=${from}&to=${to}&action=admin.test_odd`)).body;
    expect(window.map((e) => (e.data as { i: number }).i)).toEqual([109, 107, 105, 103, 101]);
  });

  it.each([
    ['limit=0', 'limit must be an integer 1–1000'],
    ['limit=5000', 'limit must be an integer 1–1000'],
    ['beforeSeq=abc', 'beforeSeq must be an integer 1–9007199254740991'],
    ['beforeSeq=-1', 'beforeSeq must be an integer 1–9007199254740991'],
    ['order=sideways', 'order must be asc or desc'],
    ['sort=seq', 'unknown field sort'],
    ['actor=u-op1&actor=u-admin', 'actor must be text of at most 100 characters'],
    [`actor=${'x'.repeat(101)}`, 'actor must be text of at most 100 characters'],
    ["action=admin.x';drop", 'action must be text of at most 100 characters'],
    ['from=2000&to=1000', 'from must be before to (epoch ms)'],
    ['afterSeq=1&beforeSeq=5', 'use afterSeq or beforeSeq, not both'],
  ])('refuses %s with a 400 that says why', async (query, detail) => {
    const answer = await admin.call<ErrorBody>('GET', `/api/audit?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContain(detail);
  });
});
