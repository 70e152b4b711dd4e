import type { DeviceCredential } from '@gridsense/state';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';
import {
  embeddedSeqCounts,
  influxSeqCounts,
  misstored,
  startNumberedDevices,
  type NumberedFleet,
} from './harness/numbered-devices';
import { startPlatformProcess, type PlatformProcess } from './harness/platform-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const totalAcked = (acked: Map<string, Set<number>>) => [...acked.values()].reduce((n, s) => n + s.size, 0);

const backends = [
  'embedded store',
  // Ingest in its worker thread (decision 0015): the broker's thread holds the PUBACKs.
  'embedded store, ingest in a worker thread',
  ...(influxTestMode() === 'run' ? ['real InfluxDB'] : []),
];

describe.each(backends)('SIGKILL of the platform process mid-stream (%s)', (backend) => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;
  let influxd: InfluxdInstance | undefined;
  let fleet: NumberedFleet | undefined;

  afterEach(async () => {
    await fleet?.close();
    await platform?.stop();
    await influxd?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  // The devices send no ts and ~3,000 readings/s each, faster than 1 ms receive times can keep
  // up with the clock: this also checks that receive times handed out after the restart never
  // repeat one from before it (they once did, and the new reading collided with a stored one).
  it('loses nothing acknowledged and stores each reading once after the restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gridsense-kill-'));
    const inWorker = backend.includes('worker thread');
    influxd = backend === 'real InfluxDB' ? await startInfluxd() : undefined;
    platform = await startPlatformProcess(dataDir, {
      ...(influxd ? { INFLUX_URL: influxd.url, INFLUX_DATABASE: 'kill' } : {}),
      ...(inWorker ? { GRIDSENSE_INGEST_THREADS: '1', LOG_LEVEL: 'info' } : {}),
    });
    if (inWorker) expect(platform.output()).toContain('ingest runs in a worker thread');
    const credentials = JSON.parse(
      await readFile(join(dataDir, 'demo-devices.json'), 'utf8'),
    ) as DeviceCredential[];
    const devices = credentials.filter((d) => d.type === 'smoke_detector').slice(0, 8);
    fleet = await startNumberedDevices({
      url: platform.mqttUrl,
      devices,
      inFlight: 20,
      metric: { name: 'battery', value: 80 },
    });
    await sleep(1_500);

    await platform.kill();
    const ackedBeforeKill = totalAcked(fleet.acked);
    await sleep(500);
    await platform.restart();
    await sleep(1_000);
    await fleet.finish(20_000);
    const { acked } = fleet;
    const ackedAfterRestart = totalAcked(acked) - ackedBeforeKill;
    expect(totalAcked(acked)).toBe(fleet.sent());
    await fleet.close();
    fleet = undefined;
    await platform.stop(); // SIGTERM: the second run shuts down cleanly

    expect(ackedBeforeKill).toBeGreaterThan(100);
    expect(ackedAfterRestart).toBeGreaterThan(0);
    const counts = new Map<string, Map<number, number>>();
    for (const d of devices) {
      counts.set(
        d.id,
        influxd ? await influxSeqCounts(influxd.url, 'kill', d.id) : embeddedSeqCounts(dataDir, d.id),
      );
    }
    expect(misstored(acked, counts)).toEqual([]);
  });
});
