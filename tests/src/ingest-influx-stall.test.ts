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
const failedWrites = (metrics: string) =>
  Number(/^gridsense_store_write_seconds_count\{outcome="error"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);

describe.skipIf(influxTestMode() === 'skip')('InfluxDB hung (SIGSTOP) in the middle of a stream', () => {
  const suite = influxStreamSuite(startRestartableInfluxd, (influxd) => influxd.destroy());

  it('spools and acknowledges while the store hangs, before any write to it has timed out', async () => {
    const { influxd, env } = suite;
    const metricsNow = async () => (await fetch(`${env.baseUrl}/metrics`)).text();
    const { devices, fleet } = await startSmokeStream(env);
    const failedBefore = failedWrites(await metricsNow());

    influxd.freeze();
    try {
      const ackedAtFreeze = totalAcked(fleet.acked);
      while (env.platform.ingest.status().spool.items === 0 || totalAcked(fleet.acked) < ackedAtFreeze + 100)
        await sleep(50);
      // Still frozen, and the writes it holds have not failed yet (the write timeout is 10 s):
      // acknowledgements resumed because the stall was noticed, not because a write gave up.
      expect(failedWrites(await metricsNow())).toBe(failedBefore);
      expect(env.platform.ingest.status().spooling).toBe(true);
    } finally {
      influxd.thaw();
    }
    await finishSmokeStream(env, fleet);

    expect(env.platform.ingest.status()).toMatchObject({ spooling: false, spool: { items: 0 } });
    const counts = await storedSeqCounts(influxd.url, devices);
    expect(misstored(fleet.acked, counts)).toEqual([]);
    expect(totalAcked(fleet.acked)).toBe(fleet.sent());
  }, 120_000);
});
