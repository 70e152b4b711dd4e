import { describe, expect, it } from 'vitest';
import { influxTestMode } from './harness/influxd';
import { startRestartableInfluxd } from './harness/influxd-restartable';
import {
  finishSmokeStream,
  influxStreamSuite,
  sleep,
  startSmokeStream,
  storedSeqCounts,
} from './harness/influx-stream';
import { misstored } from './harness/numbered-devices';

const totalAcked = (acked: Map<string, Set<number>>) => [...acked.values()].reduce((n, s) => n + s.size, 0);

describe.skipIf(influxTestMode() === 'skip')('InfluxDB stopped and started in the middle of a stream', () => {
  const suite = influxStreamSuite(startRestartableInfluxd, (influxd) => influxd.destroy());

  it('keeps acknowledging into the spool, replays it, and stores every acknowledged reading exactly once', async () => {
    const { influxd, env } = suite;
    const { devices, fleet } = await startSmokeStream(env);

    await influxd.stop();
    const ackedAtStop = totalAcked(fleet.acked);
    await sleep(2_000);
    const status = env.platform.ingest.status();
    const ackedDuringOutage = totalAcked(fleet.acked) - ackedAtStop;
    const metrics = await (await fetch(`${env.baseUrl}/metrics`)).text();

    await influxd.start();
    await sleep(1_000);
    await finishSmokeStream(env, fleet);

    // The outage was visible and did not stop acknowledgements.
    expect(status.spooling).toBe(true);
    expect(status.spool.items).toBeGreaterThan(0);
    expect(ackedDuringOutage).toBeGreaterThan(100);
    expect(metrics).toMatch(/^gridsense_spool_readings [1-9]\d*$/m);
    expect(env.platform.ingest.status()).toMatchObject({ spooling: false, spool: { items: 0 } });

    const counts = await storedSeqCounts(influxd.url, devices);
    expect(misstored(fleet.acked, counts)).toEqual([]);
    expect(totalAcked(fleet.acked)).toBe(fleet.sent());
  });
});
