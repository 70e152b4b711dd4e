import type { DeviceCredential } from '@gridsense/state';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  embeddedSeqCounts,
  misstored,
  startNumberedDevices,
  type NumberedFleet,
} from './harness/numbered-devices';
import { startPlatformProcess, type PlatformProcess } from './harness/platform-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest case opened for a device, read from the state database as the console would see it. */
function caseOf(dataDir: string, deviceId: string): { id: string; opened_at: number } | undefined {
  const db = new Database(join(dataDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT id, opened_at FROM cases WHERE device_id = ? ORDER BY opened_at DESC LIMIT 1')
      .get(deviceId) as { id: string; opened_at: number } | undefined;
  } finally {
    db.close();
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('npm start supervises the platform', () => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;
  let fleet: NumberedFleet | undefined;
  let alarm: MqttClient | undefined;

  afterEach(async () => {
    await fleet?.close();
    await alarm?.endAsync(true);
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('restarts a killed platform: devices reconnect, nothing acknowledged is lost, alarms flow again', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gridsense-supervised-'));
    platform = await startPlatformProcess(dataDir, {}, { supervised: true });
    const firstPid = platform.platformPid();
    expect(firstPid).toBeGreaterThan(0);
    const credentials = JSON.parse(
      await readFile(join(dataDir, 'demo-devices.json'), 'utf8'),
    ) as DeviceCredential[];
    const smoke = credentials.filter((d) => d.type === 'smoke_detector');
    const [alarmDevice, ...fleetDevices] = smoke;
    fleet = await startNumberedDevices({
      url: platform.mqttUrl,
      devices: fleetDevices.slice(0, 4),
      inFlight: 10,
      metric: { name: 'battery', value: 80 },
      intervalMs: 5,
    });
    alarm = mqtt.connect(platform.mqttUrl, {
      clientId: alarmDevice!.id,
      username: alarmDevice!.id,
      password: alarmDevice!.secret,
      clean: false,
      reconnectPeriod: 200,
    });
    alarm.on('error', () => {});
    await new Promise((resolve) => alarm!.once('connect', resolve));
    await sleep(1_000);
    expect(caseOf(dataDir, alarmDevice!.id)).toBeUndefined();

    // A crash of the whole platform process, as an uncaught error or the OOM killer would end it.
    const killedAt = Date.now();
    process.kill(firstPid!, 'SIGKILL');
    // The fire starts while the platform is down: the device keeps the reading until acknowledged.
    const topic = `gs/v1/${alarmDevice!.gridId}/${alarmDevice!.id}/telemetry`;
    const acknowledged = alarm.publishAsync(topic, JSON.stringify({ seq: 1, metrics: { smoke: 20 } }), {
      qos: 1,
    });

    const opened = await waitFor('the alarm to open a case after the restart', () =>
      platform!.platformPid() !== firstPid ? caseOf(dataDir, alarmDevice!.id) : undefined,
    );
    const crashToAlertMs = opened.opened_at - killedAt;
    await acknowledged;
    console.log(`crash to a new alarm's case: ${crashToAlertMs} ms`);
    expect(opened.opened_at).toBeGreaterThan(killedAt);
    expect(platform.platformPid()).not.toBe(firstPid);

    await fleet.finish(20_000);
    const counts = new Map(fleetDevices.slice(0, 4).map((d) => [d.id, embeddedSeqCounts(dataDir, d.id)]));
    expect(fleet.sent()).toBeGreaterThan(50);
    expect(misstored(fleet.acked, counts)).toEqual([]);
  });
});
