import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxTestMode } from './harness/influxd';
import { startRestartableInfluxd, type RestartableInfluxd } from './harness/influxd-restartable';
import { influxSeqCounts, misstored, startNumberedDevices } from './harness/numbered-devices';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const totalAcked = (acked: Map<string, Set<number>>) => [...acked.values()].reduce((n, s) => n + s.size, 0);

describe.skipIf(influxTestMode() === 'skip')('InfluxDB stopped and started in the middle of a stream', () => {
  let influxd: RestartableInfluxd;
  let env: TestPlatform;

  beforeAll(async () => {
    influxd = await startRestartableInfluxd();
    env = await startTestPlatform({ influxUrl: influxd.url });
  });
  afterAll(async () => {
    await env?.stop();
    await influxd?.destroy();
  });

  it('keeps acknowledging into the spool, replays it, and stores every acknowledged reading exactly once', async () => {
    const devices = env.devices.filter((d) => d.type === 'smoke_detector').slice(0, 8);
    const fleet = await startNumberedDevices({
      url: env.mqttUrl,
      devices,
      inFlight: 20,
      metric: { name: 'battery', value: 80 },
    });
    await sleep(1_000);

    await influxd.stop();
    const ackedAtStop = totalAcked(fleet.acked);
    await sleep(2_000);
    const status = env.platform.ingest.status();
    const ackedDuringOutage = totalAcked(fleet.acked) - ackedAtStop;
    const metrics = await (await fetch(`${env.baseUrl}/metrics`)).text();

    await influxd.start();
    await sleep(1_000);
    await fleet.finish(20_000);
    await fleet.close();
    await env.platform.ingest.drained();

    // The outage was visible and did not stop acknowledgements.
    expect(status.spooling).toBe(true);
    expect(status.spool.items).toBeGreaterThan(0);
    expect(ackedDuringOutage).toBeGreaterThan(100);
    expect(metrics).toMatch(/^gridsense_spool_readings [1-9]\d*$/m);
    expect(env.platform.ingest.status()).toMatchObject({ spooling: false, spool: { items: 0 } });

    const counts = new Map(
      await Promise.all(
        devices.map(async (d) => [d.id, await influxSeqCounts(influxd.url, 'gridsense_test', d.id)] as const),
      ),
    );
    expect(misstored(fleet.acked, counts)).toEqual([]);
    expect(totalAcked(fleet.acked)).toBe(fleet.sent());
  });
});
