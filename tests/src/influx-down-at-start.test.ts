import { describe, expect, it } from 'vitest';
import { influxTestMode } from './harness/influxd';
import { startRestartableInfluxd, type RestartableInfluxd } from './harness/influxd-restartable';
import { finishSmokeStream, sleep, startSmokeStream, storedSeqCounts } from './harness/influx-stream';
import { misstored } from './harness/numbered-devices';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

const totalAcked = (acked: Map<string, Set<number>>) => [...acked.values()].reduce((n, s) => n + s.size, 0);

describe.skipIf(influxTestMode() === 'skip')('GridSense started while InfluxDB is down', () => {
  it('starts, acknowledges into the spool, and replays once InfluxDB answers: every reading stored once', async () => {
    let influxd: RestartableInfluxd | undefined;
    let env: TestPlatform | undefined;
    try {
      influxd = await startRestartableInfluxd();
      await influxd.stop();
      // Before: "InfluxDB at … does not answer /ping", and no start.
      env = await startTestPlatform({ influxUrl: influxd.url });
      const { devices, fleet } = await startSmokeStream(env);
      await sleep(1_000);
      const status = env.platform.ingest.status();
      const ackedWhileDown = totalAcked(fleet.acked);

      await influxd.start();
      await finishSmokeStream(env, fleet);

      expect(status.spooling).toBe(true);
      expect(status.spool.items).toBeGreaterThan(0);
      expect(ackedWhileDown).toBeGreaterThan(100);
      expect(env.platform.ingest.status()).toMatchObject({ spooling: false, spool: { items: 0 } });
      const counts = await storedSeqCounts(influxd.url, devices);
      expect(misstored(fleet.acked, counts)).toEqual([]);
      expect(totalAcked(fleet.acked)).toBe(fleet.sent());
    } finally {
      await env?.stop();
      await influxd?.destroy();
    }
  }, 120_000);
});
