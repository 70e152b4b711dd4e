import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };
type Channel = { id: string; secret: string | null; name: string };

describe.each(stateDialects())(
  'the case configuration write API: roles, validation, channel secrets (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    let eng: ApiClient;

    beforeAll(async () => {
      env = await startTestPlatform({ dialect });
      [admin, eng] = await Promise.all([env.login('admin'), env.login('eng1')]);
    });
    afterAll(async () => env?.stop());

    const sla = {
      accept: '7m',
      arrive: '20m',
      resolve: '2h',
      repeatEveryMinutes: 5,
      escalateEveryMinutes: 12,
    };

    it('lets only administrators set an SLA and names every bad field', async () => {
      expect(
        (await eng.call<ErrorBody>('PUT', '/api/admin/slas/fire_safety/critical', sla)).body.error.code,
      ).toBe('forbidden');
      const bad = await admin.call<ErrorBody>('PUT', '/api/admin/slas/fire_safety/critical', {
        ...sla,
        accept: 'soon',
        escalateEveryMinutes: null,
      });
      expect(bad.body.error.details).toEqual([
        'accept must be a span like 15m, 2h, 1d, 4wh or 3wd',
        'escalateEveryMinutes must be a number of minutes ≥ 1',
      ]);
      expect((await admin.call('PUT', '/api/admin/slas/fire_safety/critical', sla)).status).toBe(200);
    });

    it('keeps a channel secret on an edit that leaves it out, and clears it on null', async () => {
      const channel = {
        id: 'ops-robot',
        kind: 'dingtalk',
        name: '值班群',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=x',
        regionId: 'D1',
        minSeverity: 'warning',
        kinds: ['opened'],
        enabled: true,
      };
      expect(
        (await eng.call('PUT', '/api/admin/channels/ops-robot', { ...channel, secret: 'S' })).status,
      ).toBe(403);
      await admin.call('PUT', '/api/admin/channels/ops-robot', { ...channel, secret: 'SEC-1' });
      const secretOf = async () =>
        (await admin.call<Channel[]>('GET', '/api/admin/channels')).body.find((c) => c.id === 'ops-robot')
          ?.secret;
      await admin.call('PUT', '/api/admin/channels/ops-robot', { ...channel, name: '值班群 2' });
      expect(await secretOf()).toBe('***');
      await admin.call('PUT', '/api/admin/channels/ops-robot', { ...channel, secret: null });
      expect(await secretOf()).toBeNull();
    });
  },
);
