import { afterAll, beforeAll } from 'vitest';
import {
  influxSeqCounts,
  startNumberedDevices,
  type NumberedDevice,
  type NumberedFleet,
} from './numbered-devices';
import { startTestPlatform, type TestPlatform } from './test-platform';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For the InfluxDB fault tests: starts an influxd and the platform writing to it before the
 * suite, stops both after it. Read `influxd` and `env` inside the tests.
 */
export function influxStreamSuite<I extends { url: string }>(
  startInflux: () => Promise<I>,
  stopInflux: (influxd: I) => Promise<void>,
): { influxd: I; env: TestPlatform } {
  const suite = {} as { influxd: I; env: TestPlatform };
  beforeAll(async () => {
    suite.influxd = await startInflux();
    suite.env = await startTestPlatform({ influxUrl: suite.influxd.url });
  });
  afterAll(async () => {
    await suite.env?.stop();
    if (suite.influxd) await stopInflux(suite.influxd);
  });
  return suite;
}

/** Eight smoke detectors streaming numbered battery readings, given a second to get going. */
export async function startSmokeStream(
  env: TestPlatform,
): Promise<{ devices: NumberedDevice[]; fleet: NumberedFleet }> {
  const devices = env.devices.filter((d) => d.type === 'smoke_detector').slice(0, 8);
  const fleet = await startNumberedDevices({
    url: env.mqttUrl,
    devices,
    inFlight: 20,
    metric: { name: 'battery', value: 80 },
  });
  await sleep(1_000);
  return { devices, fleet };
}

/** Waits until every sent reading is acknowledged, disconnects, and lets ingest drain. */
export async function finishSmokeStream(env: TestPlatform, fleet: NumberedFleet): Promise<void> {
  await fleet.finish(20_000);
  await fleet.close();
  await env.platform.ingest.drained();
}

/** How many times each device's seqs are stored in the test database. */
export async function storedSeqCounts(
  influxUrl: string,
  devices: NumberedDevice[],
): Promise<Map<string, Map<number, number>>> {
  return new Map(
    await Promise.all(
      devices.map(async (d) => [d.id, await influxSeqCounts(influxUrl, 'gridsense_test', d.id)] as const),
    ),
  );
}
