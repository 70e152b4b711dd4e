import { openSeqHandover, type RedisSeqHandover } from '@gridsense/broker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './harness/free-port';
import { redisTestMode, startRedis, type RedisInstance } from './harness/redis-server';

const MINUTE = 60_000;

describe.runIf(redisTestMode() === 'run')(
  "ingest's shared seq intents in a real Redis (decision 0016)",
  () => {
    let redis: RedisInstance;
    let probe: Redis;
    const handovers: RedisSeqHandover[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      probe = new Redis(redis.url);
    });
    afterAll(async () => {
      for (const handover of handovers) await handover.close();
      probe?.disconnect();
      await redis?.stop();
    });

    function open(url: string, now: () => number) {
      const errors: string[] = [];
      const handover = openSeqHandover(url, (_error, context) => errors.push(context), now);
      handovers.push(handover);
      return { handover, errors };
    }

    it('shares a batch by device with its boot, reads one device back, and forgets', async () => {
      const { handover, errors } = open(redis.url, Date.now);
      await until(
        () => handover.share([{ stream: 'telemetry', deviceId: 'probe', seq: 0, ts: 0, boot: -1 }]),
        errors,
      );
      await handover.share([
        { stream: 'telemetry', deviceId: 'smoke-1', seq: 7, ts: 1_000, boot: 2 },
        { stream: 'event', deviceId: 'smoke-1', seq: 7, ts: 1_001, boot: 2 },
        { stream: 'telemetry', deviceId: 'smoke-2', seq: 3, ts: 1_002, boot: -1 },
        { stream: 'telemetry', deviceId: 'smoke-2', seq: undefined, ts: 1_003, boot: -1 },
      ]);
      expect(await handover.intentsOf('smoke-1')).toEqual([
        { stream: 'telemetry', deviceId: 'smoke-1', seq: 7, ts: 1_000, boot: 2 },
        { stream: 'event', deviceId: 'smoke-1', seq: 7, ts: 1_001, boot: 2 },
      ]);
      // A reading without seq has nothing to write once: it is not shared.
      expect(await handover.intentsOf('smoke-2')).toEqual([
        { stream: 'telemetry', deviceId: 'smoke-2', seq: 3, ts: 1_002, boot: -1 },
      ]);
      expect(await probe.pttl('gridsense:seq-intents:smoke-2')).toBeGreaterThan(MINUTE);

      await handover.forget([{ stream: 'telemetry', deviceId: 'smoke-1', seq: 7, ts: 1_000 }]);
      expect((await handover.intentsOf('smoke-1')).map((i) => i.stream)).toEqual(['event']);
      expect(await handover.intentsOf('never-seen')).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('ignores and removes intents older than 15 minutes, though the device kept the hash alive', async () => {
      let clock = 1_000_000;
      const { handover } = open(redis.url, () => clock);
      await handover.share([{ stream: 'telemetry', deviceId: 'smoke-3', seq: 1, ts: 1, boot: -1 }]);
      clock += 10 * MINUTE;
      await handover.share([{ stream: 'telemetry', deviceId: 'smoke-3', seq: 2, ts: 2, boot: -1 }]);
      clock += 6 * MINUTE;
      expect((await handover.intentsOf('smoke-3')).map((i) => i.seq)).toEqual([2]);
      expect(await probe.hkeys('gridsense:seq-intents:smoke-3')).toEqual(['telemetry:2']);
    });

    it('lets ingest go on when Redis does not answer, logging once per outage', async () => {
      const { handover, errors } = open(`redis://127.0.0.1:${await freePort()}`, Date.now);
      const intent = { stream: 'telemetry' as const, deviceId: 'smoke-1', seq: 1, ts: 1, boot: -1 };
      await handover.share([intent]);
      await handover.share([intent]);
      expect(errors).toEqual([expect.stringMatching(/^share seq intents/)]);
      await expect(handover.intentsOf('smoke-1')).rejects.toThrow();
    });
  },
);

/** The handover's connection is up once a share goes through without an error. */
async function until(share: () => Promise<void>, errors: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    errors.length = 0;
    await share();
    if (errors.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis never took a share: ${errors.join('; ')}`);
}
