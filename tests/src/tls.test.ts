import { parseConfig } from '@gridsense/core';
import { createLogger, type DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../platform';
import { embeddedSeqCounts } from './harness/numbered-devices';

function httpsGet(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { ca }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('TLS with a self-signed pair (GRIDSENSE_TLS=self-signed)', () => {
  let dataDir: string;
  let platform: Platform;
  let ca: string;
  let device: DeviceCredential;
  let others: DeviceCredential[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gridsense-tls-'));
    const parsed = parseConfig({
      GRIDSENSE_DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      MQTTS_PORT: '0',
      GRIDSENSE_MQTT_PLAIN: 'off',
      GRIDSENSE_TLS: 'self-signed',
      GRIDSENSE_SIMULATOR: 'off',
      GRIDSENSE_NODE_RED: 'off',
      GRIDSENSE_DEMO_PASSWORD: 'test-password-1',
      // An empty district: what these tests count is their own, not the demo's generated history.
      GRIDSENSE_DEMO_HISTORY_DAYS: '0',
      LOG_LEVEL: 'warn',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    platform = await startPlatform(parsed.config, { logger: createLogger({ level: 'warn' }) });
    ca = await readFile(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    const devices = JSON.parse(
      await readFile(join(dataDir, 'demo-devices.json'), 'utf8'),
    ) as DeviceCredential[];
    [device, ...others] = devices.filter((d) => d.type === 'smoke_detector') as [DeviceCredential];
  });

  let closedAlready = false;
  afterAll(async () => {
    if (!closedAlready) await platform?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS and refuses plain HTTP on that port', async () => {
    const answer = await httpsGet(`https://localhost:${platform.httpPort}/healthz`, ca);
    expect(answer.status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${platform.httpPort}/healthz`)).rejects.toThrow();
  });

  it('takes devices over MQTTS and WSS only: plain MQTT is off', async () => {
    expect(platform.mqttPort).toBeUndefined();
    const urls = [`mqtts://localhost:${platform.mqttsPort}`, `wss://localhost:${platform.httpPort}/mqtt`];
    for (const [index, url] of urls.entries()) {
      const client = await mqtt.connectAsync(url, {
        clientId: device.id,
        username: device.id,
        password: device.secret,
        ca,
        reconnectPeriod: 0,
      });
      const topic = `gs/v1/${device.gridId}/${device.id}/telemetry`;
      // QoS 1: resolves on the PUBACK, which GridSense sends once the reading is stored.
      await client.publishAsync(topic, JSON.stringify({ seq: index + 1, metrics: { battery: 90 } }), {
        qos: 1,
      });
      await client.endAsync();
    }
    expect([...embeddedSeqCounts(dataDir, device.id).keys()].sort()).toEqual([1, 2]);
  });

  it('refuses a device that does not trust the certificate', async () => {
    await expect(
      mqtt.connectAsync(`mqtts://localhost:${platform.mqttsPort}`, {
        clientId: device.id,
        username: device.id,
        password: device.secret,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/self-signed|certificate/);
  });

  it('shuts down while devices are still connected over MQTTS and WSS', async () => {
    const urls = [`mqtts://localhost:${platform.mqttsPort}`, `wss://localhost:${platform.httpPort}/mqtt`];
    const clients = await Promise.all(
      urls.map((url, i) => {
        const d = others[i]!;
        return mqtt.connectAsync(url, {
          clientId: d.id,
          username: d.id,
          password: d.secret,
          ca,
          reconnectPeriod: 0,
        });
      }),
    );
    expect(clients.every((c) => c.connected)).toBe(true);
    const closed = Promise.all(
      clients.map((c) => new Promise<void>((resolve) => c.once('close', () => resolve()))),
    );
    await platform.close();
    await closed;
    closedAlready = true;
  });
});
