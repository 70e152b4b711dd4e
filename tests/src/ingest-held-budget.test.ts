import { describe, expect, it } from 'vitest';
import { influxTestMode } from './harness/influxd';
import { startRestartableInfluxd, type RestartableInfluxd } from './harness/influxd-restartable';
import { sleep, storedSeqCounts } from './harness/influx-stream';
import { misstored, startNumberedDevices } from './harness/numbered-devices';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

const MAX_HELD = 500;

describe.skipIf(influxTestMode() === 'skip')(
  'memory while PUBACKs are held (spool full, InfluxDB down)',
  () => {
    it('holds at most about GRIDSENSE_MQTT_MAX_HELD_PUBLISHES messages, and stores every acknowledged one after', async () => {
      let influxd: RestartableInfluxd | undefined;
      let env: TestPlatform | undefined;
      try {
        influxd = await startRestartableInfluxd();
        await influxd.stop();
        env = await startTestPlatform({
          influxUrl: influxd.url,
          env: { GRIDSENSE_SPOOL_MAX_MB: '1', GRIDSENSE_MQTT_MAX_HELD_PUBLISHES: String(MAX_HELD) },
        });
        const devices = env.devices.filter((d) => d.type === 'smoke_detector').slice(0, 8);
        // Devices that keep sending without waiting for each PUBACK (up to 2,000 unacknowledged each).
        const fleet = await startNumberedDevices({
          url: env.mqttUrl,
          devices,
          inFlight: 2_000,
          metric: { name: 'battery', value: 80 },
        });
        const platform = env.platform;
        const held = () =>
          platform.ingest.status().inFlight.readings + platform.ingest.status().inFlight.waiting;
        while (!platform.ingest.status().spoolFull) await sleep(100);
        let peak = 0;
        for (let i = 0; i < 30; i++) {
          peak = Math.max(peak, held());
          await sleep(100);
        }
        // The peak of the drill, for docs/reliability.md.
        console.info(`held while the spool was full: peak ${peak} messages (budget ${MAX_HELD}, 8 devices)`);
        // Without the budget aedes reads ~360 messages ahead per device (~2,900 for these eight).
        expect(peak).toBeGreaterThan(0);
        expect(peak).toBeLessThan(2 * MAX_HELD);

        await influxd.start();
        await fleet.finish(60_000);
        await fleet.close();
        await platform.ingest.drained();
        const counts = await storedSeqCounts(influxd.url, devices);
        expect(misstored(fleet.acked, counts)).toEqual([]);
        expect([...fleet.acked.values()].reduce((n, s) => n + s.size, 0)).toBe(fleet.sent());
      } finally {
        await env?.stop();
        await influxd?.destroy();
      }
    }, 180_000);
  },
);
