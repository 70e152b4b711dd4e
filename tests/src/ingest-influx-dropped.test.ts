import { describe, expect, it } from 'vitest';
import { influxTestMode, startInfluxd } from './harness/influxd';
import {
  finishSmokeStream,
  influxStreamSuite,
  sleep,
  startSmokeStream,
  storedSeqCounts,
} from './harness/influx-stream';
import { misstored } from './harness/numbered-devices';

const snapshot = (acked: Map<string, Set<number>>) =>
  new Map([...acked].map(([id, seqs]) => [id, new Set(seqs)]));

describe.skipIf(influxTestMode() === 'skip')(
  'The InfluxDB database dropped in the middle of a stream',
  () => {
    const suite = influxStreamSuite(startInfluxd, (influxd) => influxd.stop());

    it('creates it again and stores every reading acknowledged after the drop exactly once', async () => {
      const { influxd, env } = suite;
      const { devices, fleet } = await startSmokeStream(env);

      const dropped = await fetch(`${influxd.url}/query`, {
        method: 'POST',
        body: new URLSearchParams({ q: 'DROP DATABASE gridsense_test' }),
      });
      await dropped.text();
      // Readings stored just before the drop are gone with it; their PUBACKs may still be on the way.
      await sleep(500);
      const ackedBefore = snapshot(fleet.acked);
      await sleep(2_000);
      await finishSmokeStream(env, fleet);

      const ackedAfter = new Map(
        [...fleet.acked].map(([id, seqs]) => [
          id,
          new Set([...seqs].filter((s) => !ackedBefore.get(id)?.has(s))),
        ]),
      );
      const counts = await storedSeqCounts(influxd.url, devices);
      expect([...ackedAfter.values()].reduce((n, seqs) => n + seqs.size, 0)).toBeGreaterThan(100);
      // misstored also reports any seq stored twice, acknowledged before the drop or not.
      expect(misstored(ackedAfter, counts)).toEqual([]);
      expect(env.platform.ingest.status()).toMatchObject({ spooling: false, spool: { items: 0 } });
    });
  },
);
