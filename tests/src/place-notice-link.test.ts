import type { NotificationView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/**
 * A missed inspection's notice names no case: the in-app list says which place it is about, so
 * the console's bell can open the places rather than nothing. The demo's metro site in G03 starts
 * with an overdue inspection, heard by G03's on-duty workers on the inspection pass's first run.
 */
describe('the notice of a missed inspection', () => {
  let env: TestPlatform;

  beforeAll(async () => {
    env = await startTestPlatform();
  }, 120_000);

  afterAll(async () => env?.stop());

  it('carries its place and no case', async () => {
    const worker = await env.login('worker05');
    const inspectionNotice = async () => {
      const answer = await worker.call<NotificationView[]>('GET', '/api/notifications');
      expect(answer.status).toBe(200);
      return answer.body.find((n) => n.kind === 'inspection_overdue');
    };
    await expect.poll(inspectionNotice, { timeout: 30_000 }).toBeDefined();
    const notice = (await inspectionNotice())!;
    expect(notice.caseIds).toEqual([]);
    expect(notice.placeId).toMatch(/\S/);
    const places = await worker.call<{ id: string }[]>('GET', '/api/places');
    expect(places.status).toBe(200);
    expect(places.body.map((p) => p.id)).toContain(notice.placeId);
  });
});
