import type {
  AuditEntryView,
  AuditVerification,
  DeviceRegistryView,
  IssuedSecretView,
} from '@gridsense/core';
import { DeviceRegistry } from '@gridsense/state';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { publishReading, type SeqCounter } from './harness/demo-activity';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

function connect(env: TestPlatform, id: string, secret: string) {
  return mqtt.connectAsync(env.mqttUrl, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
}

describe.each(stateDialects())(
  'the device registry API: roles, validation, secrets and the broker (%s)',
  (dialect) => {
    let env: TestPlatform;
    let eng: ApiClient;
    let op: ApiClient;
    let worker: ApiClient;
    const seqs: SeqCounter = new Map();

    beforeAll(async () => {
      env = await startTestPlatform({ dialect });
      [eng, op, worker] = await Promise.all([env.login('eng1'), env.login('op1'), env.login('worker01')]);
    });
    afterAll(async () => env?.stop());

    it('lists devices for engineers only, without secrets, filtered by grid, type and online', async () => {
      expect((await op.call<ErrorBody>('GET', '/api/devices')).body.error.code).toBe('forbidden');
      expect((await worker.call('GET', '/api/devices')).status).toBe(403);
      const all = await eng.call<DeviceRegistryView[]>('GET', '/api/devices');
      expect(all.body).toHaveLength(env.devices.length);
      expect(JSON.stringify(all.body)).not.toMatch(/secret|sha256\$/i);
      const smoke = await eng.call<DeviceRegistryView[]>(
        'GET',
        '/api/devices?gridId=G01&type=smoke_detector',
      );
      expect(smoke.body.length).toBeGreaterThan(0);
      expect(smoke.body.every((d) => d.gridId === 'G01' && d.type === 'smoke_detector')).toBe(true);
      const online = await eng.call<DeviceRegistryView[]>('GET', '/api/devices?online=true');
      expect(online.body).toEqual([]);
      expect((await eng.call<ErrorBody>('GET', '/api/devices?online=maybe')).body.error.details).toEqual([
        'online must be true or false',
      ]);
    });

    it('lists every problem with a new device at once and refuses a taken id', async () => {
      const bad = await eng.call<ErrorBody>('POST', '/api/devices', {
        id: 'has space',
        type: 'toaster',
        gridId: 'S1',
        lat: 200,
        lng: 120,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([
        'id must be 1–64 of A-Z a-z 0-9 _ -',
        expect.stringMatching(/^type must be one of smoke_detector, /),
        'gridId must be a grid in your region',
        'lat must be a latitude (−90…90)',
      ]);
      const taken = await eng.call<ErrorBody>('POST', '/api/devices', {
        id: env.devices[0]!.id,
        type: 'smoke_detector',
        gridId: 'G01',
      });
      expect(taken.body.error.details).toEqual([`id ${env.devices[0]!.id} is already registered`]);
      expect(
        (await op.call('POST', '/api/devices', { id: 'X1', type: 'smoke_detector', gridId: 'G01' })).status,
      ).toBe(403);
    });

    it('issues a secret once that the broker accepts; a rotation refuses the old one at once', async () => {
      const created = await eng.call<IssuedSecretView>('POST', '/api/devices', {
        id: 'API-SMOKE-1',
        type: 'smoke_detector',
        gridId: 'G03',
      });
      expect(created.status).toBe(201);
      const { device, secret } = created.body;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(device).toMatchObject({ id: 'API-SMOKE-1', gridId: 'G03', name: 'API-SMOKE-1', enabled: true });
      // With it, how to connect: the listeners this platform runs (TLS off: plain MQTT and
      // WebSocket), its client id, session and topics. Host null: the console's host stands in.
      expect(created.body.connection).toEqual({
        endpoints: [
          { transport: 'mqtt', host: null, port: env.platform.mqttPort },
          { transport: 'websocket', path: '/mqtt' },
        ],
        externalBroker: false,
        clientId: 'API-SMOKE-1',
        username: 'API-SMOKE-1',
        clean: false,
        qos: 1,
        topics: {
          telemetry: 'gs/v1/G03/API-SMOKE-1/telemetry',
          event: 'gs/v1/G03/API-SMOKE-1/event',
          status: 'gs/v1/G03/API-SMOKE-1/status',
        },
        will: { topic: 'gs/v1/G03/API-SMOKE-1/status', payload: '{"state":"offline"}', retain: true },
      });
      expect(JSON.stringify(created.body.connection)).not.toContain(secret);
      const credential = { id: device.id, gridId: device.gridId, type: device.type, secret };
      await publishReading(env.mqttUrl, credential, seqs, { smoke: 1.5, temperature: 24, battery: 90 });
      const health = await eng.call<{ latest: Record<string, { value: number }> }>(
        'GET',
        '/api/devices/API-SMOKE-1',
      );
      expect(health.body.latest.smoke?.value).toBe(1.5);

      const rotated = await eng.call<IssuedSecretView>('POST', '/api/devices/API-SMOKE-1/secret');
      expect(rotated.body.secret).not.toBe(secret);
      expect(rotated.body.connection).toEqual(created.body.connection);
      await expect(connect(env, device.id, secret)).rejects.toThrow(/Bad username or password/i);
      await publishReading(env.mqttUrl, { ...credential, secret: rotated.body.secret }, seqs, {
        smoke: 2.5,
        temperature: 24,
        battery: 90,
      });
      const after = await eng.call<{ latest: Record<string, { value: number }> }>(
        'GET',
        '/api/devices/API-SMOKE-1',
      );
      expect(after.body.latest.smoke?.value).toBe(2.5);

      // Disabled: refused with the current secret too; enabled again: accepted.
      expect((await op.call('POST', '/api/devices/API-SMOKE-1/disable')).status).toBe(403);
      const disabled = await eng.call<DeviceRegistryView>('POST', '/api/devices/API-SMOKE-1/disable');
      expect(disabled.body.enabled).toBe(false);
      await expect(connect(env, device.id, rotated.body.secret)).rejects.toThrow(/Bad username or password/i);
      await eng.call('POST', '/api/devices/API-SMOKE-1/enable');
      const client = await connect(env, device.id, rotated.body.secret);
      await client.endAsync();
    });

    it('audits every registry change in the hash chain, and never the secret', async () => {
      const audit = await op.call<AuditEntryView[]>(
        'GET',
        '/api/audit?entityType=device&entityId=API-SMOKE-1',
      );
      expect(audit.body.map((entry) => [entry.actorId, entry.action])).toEqual([
        ['u-eng1', 'admin.device_registered'],
        ['u-eng1', 'admin.device_secret_rotated'],
        ['u-eng1', 'admin.device_disabled'],
        ['u-eng1', 'admin.device_enabled'],
      ]);
      expect(audit.body[0]!.data).toMatchObject({ id: 'API-SMOKE-1', type: 'smoke_detector', gridId: 'G03' });
      expect(JSON.stringify(audit.body)).not.toMatch(/secret_?hash|sha256\$/i);
      expect((await op.call<AuditVerification>('GET', '/api/audit/verify')).body.ok).toBe(true);
    });

    it('stores what it applied: a registry loaded afresh from the database agrees', async () => {
      const rotated = await eng.call<IssuedSecretView>('POST', '/api/devices/API-SMOKE-1/secret');
      await eng.call('POST', '/api/devices/API-SMOKE-1/disable');
      const db = await env.openState();
      try {
        const fresh = await DeviceRegistry.load(db);
        expect(fresh.get('API-SMOKE-1')?.enabled).toBe(false);
        await eng.call('POST', '/api/devices/API-SMOKE-1/enable');
        await fresh.reload();
        expect(fresh.checkDevice('API-SMOKE-1', rotated.body.secret)).toEqual({ gridId: 'G03' });
      } finally {
        await db.destroy();
      }
    });
  },
);
