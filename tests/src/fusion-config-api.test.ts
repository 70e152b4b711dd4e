import {
  DEFAULT_FUSION_CONFIG,
  type AuditEntryView,
  type CaseView,
  type FusionConfig,
} from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent, publishReading, startSnapshotServer, type SeqCounter } from './harness/demo-activity';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * The fusion groups and suppression rules are the district administrator's to set: validated,
 * audited, and used by the next intake. The walkthrough's camera 254 m from the smoke detector
 * joins its case under the default fire radius (300 m) and opens its own under 100 m.
 */
describe('fusion settings through the API', () => {
  let env: TestPlatform;
  let admin: ApiClient;
  let snapshots: Awaited<ReturnType<typeof startSnapshotServer>>;
  const seqs: SeqCounter = new Map();

  beforeAll(async () => {
    env = await startTestPlatform();
    snapshots = await startSnapshotServer();
    admin = await env.login('admin');
  }, 120_000);

  afterAll(async () => {
    await snapshots?.close();
    await env?.stop();
  });

  const openCases = async (client: ApiClient) =>
    (await client.call<CaseView[]>('GET', '/api/cases?scope=open')).body;

  it('reads the defaults, and refuses everyone but a district administrator', async () => {
    const read = await admin.call<FusionConfig>('GET', '/api/admin/fusion');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(DEFAULT_FUSION_CONFIG);
    for (const username of ['op1', 'sup1', 'worker01', 'eng1']) {
      const client = await env.login(username);
      expect((await client.call('GET', '/api/admin/fusion')).status).toBe(403);
      expect((await client.call('PUT', '/api/admin/fusion', DEFAULT_FUSION_CONFIG)).status).toBe(403);
    }
  });

  it('refuses a bad setting with every problem named, and keeps the one before', async () => {
    const bad = await admin.call<{ error: { details: string[] } }>('PUT', '/api/admin/fusion', {
      groups: [
        {
          key: 'fire',
          categories: ['arson'],
          deviceTypes: ['smoke_detector'],
          radiusM: 0,
          windowMs: 600_000,
        },
      ],
      suppression: 'none',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      'groups[0].categories: arson not a category',
      'groups[0].radiusM must be a whole number from 1 to 5000',
      'suppression must be a list',
    ]);
    expect((await admin.call<FusionConfig>('GET', '/api/admin/fusion')).body).toEqual(DEFAULT_FUSION_CONFIG);
  });

  it('applies a narrower fire radius to the next alarm, and audits the change', async () => {
    const op = await env.login('op1');
    const smoke = env.devices.find((d) => d.id === 'smoke-G01-2')!;
    const camera = env.devices.find((d) => d.id === 'camera-G01-4')!;
    const narrower: FusionConfig = {
      ...DEFAULT_FUSION_CONFIG,
      groups: DEFAULT_FUSION_CONFIG.groups.map((g) => (g.key === 'fire' ? { ...g, radiusM: 100 } : g)),
    };
    const saved = await admin.call<FusionConfig>('PUT', '/api/admin/fusion', narrower);
    expect(saved.status).toBe(200);
    expect((await admin.call<FusionConfig>('GET', '/api/admin/fusion')).body).toEqual(narrower);
    const audit = await admin.call<AuditEntryView[]>('GET', '/api/audit?entityType=fusion&limit=5');
    expect(audit.body.map((e) => e.action)).toEqual(['admin.fusion_set']);

    await publishReading(env.mqttUrl, smoke, seqs, { smoke: 7, temperature: 30, battery: 90 });
    await expect
      .poll(async () => (await openCases(op)).some((c) => c.deviceId === smoke.id), { timeout: 20_000 })
      .toBe(true);
    await publishEvent(env.mqttUrl, camera, seqs, {
      type: 'fire_smoke',
      confidence: 0.93,
      snapshot: snapshots.url,
    });
    // 254 m apart, past 100 m: the camera's alarm is a case of its own.
    await expect
      .poll(async () => (await openCases(op)).some((c) => c.deviceId === camera.id), { timeout: 20_000 })
      .toBe(true);
    const alarm = (await openCases(op)).find((c) => c.deviceId === smoke.id)!;
    expect(alarm.sourceCount).toBe(1);
  });
});
