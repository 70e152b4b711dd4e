import type { CaseDetailView, CaseView, NotificationView, PersonView } from '@gridsense/core';
import { listRegions } from '@gridsense/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/** A hotline-style report an operator files at a point; the grid's on-duty primary gets it. */
const report = (title: string, lat: number, lng: number) => ({
  title,
  description: `${title}，请现场处理`,
  category: 'facility',
  subcategory: 'facility.manhole',
  caseType: 'facility.manhole.missing',
  severity: 'warning',
  location: { lat, lng },
  photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
});

async function noticesOf(client: ApiClient): Promise<NotificationView[]> {
  const body = (
    await client.call<NotificationView[] | { notices: NotificationView[] }>('GET', '/api/notifications')
  ).body;
  return Array.isArray(body) ? body : body.notices;
}

describe.each(stateDialects())('handover of a worker’s open cases over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  let op: ApiClient;
  /** A point inside each grid (the demo grids are rectangles). */
  const inside = new Map<string, { lat: number; lng: number }>();

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [admin, op] = await Promise.all([env.login('admin'), env.login('op1')]);
    const db = await env.openState();
    for (const region of await listRegions(db)) {
      const ring = region.boundary?.coordinates[0];
      if (region.level !== 'grid' || !ring) continue;
      const corners = ring.slice(0, 4);
      inside.set(region.id, {
        lng: corners.reduce((sum, [lng]) => sum + lng!, 0) / corners.length,
        lat: corners.reduce((sum, [, lat]) => sum + lat!, 0) / corners.length,
      });
    }
    await db.destroy();
  });
  afterAll(async () => env?.stop());

  async function fileIn(gridId: string, title: string): Promise<CaseView> {
    const point = inside.get(gridId)!;
    const filed = await op.call<{ case: CaseView }>(
      'POST',
      '/api/cases/reports',
      report(title, point.lat, point.lng),
    );
    expect(filed.status).toBe(201);
    expect(filed.body.case).toMatchObject({ gridId, state: 'reported' });
    // 市政设施 waits for 立案: the desk registers it and the rule list routes it to whoever is on duty.
    const registered = await op.call<CaseView>('POST', `/api/cases/${filed.body.case.id}/actions`, {
      action: 'register',
    });
    expect(registered.status).toBe(200);
    return registered.body;
  }

  const detail = async (id: string) => (await admin.call<CaseDetailView>('GET', `/api/cases/${id}`)).body;

  it('disabling a worker hands their open case to the backup on duty, once, with a notice', async () => {
    const filed = await fileIn('G01', '井盖缺失');
    expect(filed).toMatchObject({ state: 'dispatched', assigneeId: 'u-worker01' });
    const backup = await env.login('worker02');

    const disabled = await admin.call<PersonView>('POST', '/api/admin/people/u-worker01/disable');
    expect(disabled.status).toBe(200);
    const after = await detail(filed.id);
    expect(after.case).toMatchObject({ state: 'dispatched', assigneeId: 'u-worker02', returnCount: 0 });
    expect(after.timeline.filter((e) => e.action === 'handover')).toEqual([
      expect.objectContaining({
        actorId: 'u-admin',
        data: expect.objectContaining({
          reason: 'disabled',
          role: 'lead',
          fromUserId: 'u-worker01',
          toUserId: 'u-worker02',
        }),
      }),
    ]);
    const lines = (await noticesOf(backup)).flatMap((n) => n.lines);
    expect(lines).toContainEqual(expect.stringMatching(/^交接：井盖缺失（原承办人 .+，账号停用）$/));

    // Disabling again changes nothing more; the backup can accept.
    await admin.call('POST', '/api/admin/people/u-worker01/disable');
    expect((await detail(filed.id)).timeline.filter((e) => e.action === 'handover')).toHaveLength(1);
    const accepted = await backup.call<CaseView>('POST', `/api/cases/${filed.id}/actions`, {
      action: 'accept',
    });
    expect(accepted.body).toMatchObject({ state: 'accepted', assigneeId: 'u-worker02' });
    await admin.call('POST', '/api/admin/people/u-worker01/enable');
  });

  it('taking a worker off a grid’s duty hands their case there to whoever is on duty now', async () => {
    const filed = await fileIn('G02', '窨井盖破损');
    expect(filed.assigneeId).toBe('u-worker03');
    // The backup becomes primary: worker03 holds no duty in G02 any more.
    const set = await admin.call('PUT', '/api/admin/regions/G02/duties/primary', { userId: 'u-worker04' });
    expect(set.status).toBe(200);
    const after = await detail(filed.id);
    expect(after.case.assigneeId).toBe('u-worker04');
    expect(after.timeline.at(-1)).toMatchObject({
      action: 'handover',
      data: { reason: 'left_grid', fromUserId: 'u-worker03', toUserId: 'u-worker04' },
    });
  });

  it('a person sets their own language; the next handover notice reaches them in it', async () => {
    const backup = await env.login('worker06');
    const bad = await backup.call<{ error: { code: string; details?: string[] } }>('PUT', '/api/me/locale', {
      locale: 'fr',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(['locale must be zh-CN or en']);
    expect((await backup.call('PUT', '/api/me/locale', { locale: 'en' })).status).toBe(200);

    const filed = await fileIn('G03', '路面塌陷');
    expect(filed.assigneeId).toBe('u-worker05');
    expect((await admin.call('POST', '/api/admin/people/u-worker05/disable')).status).toBe(200);
    expect((await detail(filed.id)).case.assigneeId).toBe('u-worker06');
    const lines = (await noticesOf(backup)).flatMap((n) => n.lines);
    expect(lines).toContainEqual(
      expect.stringMatching(/^Handed over: 路面塌陷 \(from 网格员 .+, account disabled\)$/),
    );
    expect(lines.filter((line) => line.startsWith('交接'))).toEqual([]);
  });
});
