import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisTestMode, startRedis, type RedisInstance } from './redis-server';

describe.runIf(redisTestMode() === 'run')('the Redis harness', () => {
  let redis: RedisInstance;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('starts a private Redis on a free port that stores and returns a value', async () => {
    const client = new Redis(redis.url);
    try {
      await client.set('gridsense:probe', 'ok');
      expect(await client.get('gridsense:probe')).toBe('ok');
    } finally {
      client.disconnect();
    }
  });
});
