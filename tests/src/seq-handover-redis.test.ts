import { redisSeqHandover } from '@gridsense/broker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisTestMode, startRedis, type RedisInstance } from './harness/redis-server';

describe.runIf(redisTestMode() === 'run')(
  "ingest's shared seq intents in a real Redis (decision 0016)",
  () => {
    let redis: RedisInstance;
    let client: Redis;
    const errors: string[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      client = new Redis(redis.url);
    });
    afterAll(async () => {
      client?.disconnect();
      await redis?.stop();
    });

    it('shares a batch by device, reads one device back, forgets, and lets what is left expire', async () => {
      const handover = redisSeqHandover(client, (error, context) =>
        errors.push(`${context}: ${String(error)}`),
      );
      await handover.share([
        { stream: 'telemetry', deviceId: 'smoke-1', seq: 7, ts: 1_000 },
        { stream: 'event', deviceId: 'smoke-1', seq: 7, ts: 1_001 },
        { stream: 'telemetry', deviceId: 'smoke-2', seq: 3, ts: 1_002 },
        { stream: 'telemetry', deviceId: 'smoke-2', seq: undefined, ts: 1_003 },
      ]);
      expect(await handover.intentsOf('smoke-1')).toEqual([
        { stream: 'telemetry', deviceId: 'smoke-1', seq: 7, ts: 1_000 },
        { stream: 'event', deviceId: 'smoke-1', seq: 7, ts: 1_001 },
      ]);
      // A reading without seq has nothing to write once: it is not shared.
      expect(await handover.intentsOf('smoke-2')).toEqual([
        { stream: 'telemetry', deviceId: 'smoke-2', seq: 3, ts: 1_002 },
      ]);
      const ttl = await client.pttl('gridsense:seq-intents:smoke-2');
      expect(ttl).toBeGreaterThan(60_000);

      await handover.forget([{ stream: 'telemetry', deviceId: 'smoke-1', seq: 7, ts: 1_000 }]);
      expect(await handover.intentsOf('smoke-1')).toEqual([
        { stream: 'event', deviceId: 'smoke-1', seq: 7, ts: 1_001 },
      ]);
      expect(await handover.intentsOf('never-seen')).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('lets ingest go on, with the failure logged, when Redis does not answer', async () => {
      const unreachable = new Redis({
        port: redis.port + 1,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
      });
      unreachable.on('error', () => undefined);
      const seen: string[] = [];
      const handover = redisSeqHandover(unreachable, (_error, context) => seen.push(context));
      await handover.share([{ stream: 'telemetry', deviceId: 'smoke-1', seq: 1, ts: 1 }]);
      expect(seen).toEqual([expect.stringMatching(/^share seq intents/)]);
      unreachable.disconnect();
    });
  },
);
