import mqtt from 'mqtt';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, nodeRedChildPid, waitFor } from './harness/node-red-child';
import { startPlatformProcess, type PlatformProcess } from './harness/platform-process';
import { nextCaseUpdate, startTestPlatform, type TestPlatform } from './harness/test-platform';

/** Node-RED lives and dies apart from the platform: neither takes the other's work down with it. */
describe('the Node-RED process', () => {
  let env: TestPlatform;

  beforeAll(async () => {
    env = await startTestPlatform({ nodeRed: true });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const publish = async (deviceId: string, seq: number, metrics: Record<string, number>) => {
    const device = env.devices.find((d) => d.id === deviceId)!;
    const client = await mqtt.connectAsync(env.mqttUrl, {
      clientId: device.id,
      username: device.id,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await client.publishAsync(
      `gs/v1/${device.gridId}/${device.id}/telemetry`,
      JSON.stringify({ seq, metrics }),
      { qos: 1 },
    );
    await client.endAsync();
  };

  it('killed, leaves readings becoming cases, and comes back with its flows', async () => {
    const operator = await env.login('op1');
    const socket = await operator.socket();
    const first = nodeRedChildPid(env.dataDir)!;
    expect(first).toBeGreaterThan(0);

    process.kill(first, 'SIGKILL');
    await waitFor('the killed Node-RED to be gone', () => (isRunning(first) ? undefined : true));
    // Ingest, rules and cases do not wait for Node-RED: a smoke alarm still opens a case.
    const smoke = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G04')!;
    const alarm = nextCaseUpdate(socket, (v) => v.deviceId === smoke.id && v.source === 'auto');
    await publish(smoke.id, 1, { smoke: 12, temperature: 30, battery: 90 });
    expect(await alarm).toMatchObject({ gridId: 'G04', state: 'dispatched', riskActive: true });

    // The platform starts a new Node-RED, which serves the editor and runs the deployed flows.
    const second = await waitFor('a new Node-RED', () => {
      const pid = nodeRedChildPid(env.dataDir);
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    await waitFor('the editor', async () => ((await fetch(`${env.baseUrl}/flows/`)).ok ? true : undefined));
    expect(nodeRedChildPid(env.dataDir)).toBe(second);
    const gauge = env.devices.find((d) => d.type === 'water_level')!;
    const early = nextCaseUpdate(
      socket,
      (v) => v.ruleId === 'flow-waterlogging-early' && v.deviceId === gauge.id,
    );
    await publish(gauge.id, 1, { level: 0.62 });
    expect(await early).toMatchObject({ title: '积水早期预警', severity: 'warning' });
  });

  it('stops with the platform', async () => {
    const pid = nodeRedChildPid(env.dataDir)!;
    expect(isRunning(pid)).toBe(true);
    await env.stop();
    env = undefined as unknown as TestPlatform;
    expect(isRunning(pid)).toBe(false);
  });
});

describe('a Node-RED whose platform was killed', () => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;

  afterAll(async () => {
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ends itself when the pipe to the platform closes', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gridsense-node-red-orphan-'));
    platform = await startPlatformProcess(dataDir, { GRIDSENSE_NODE_RED: 'on' });
    const pid = await waitFor('Node-RED', () => nodeRedChildPid(dataDir));
    await platform.kill();
    await waitFor('the orphaned Node-RED to end', () => (isRunning(pid) ? undefined : true));
    expect(isRunning(pid)).toBe(false);
  });
});
