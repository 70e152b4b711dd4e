import type { Redis } from 'ioredis';

/**
 * aedes-persistence-redis keeps a will under `will:<broker id>:<client id>`, listed in `will`.
 * (Its key schema; aedes-persistence-redis 11.)
 */
const WILLS_LIST = 'will';

/**
 * Drops the wills other nodes hold for `clientId`, once it has connected to this node. aedes
 * removes only the will stored under the connecting node's own broker id, so the will of a
 * connection on a node that died would be published by a surviving node 30–70 s later — after
 * the device has reconnected and said `online`, leaving it shown offline. One broker publishes
 * the old connection's will before the new one is registered; here it is too late to, and the
 * device's state is the new connection's.
 */
export async function dropWillsFromOtherNodes(
  redis: Redis,
  brokerId: string,
  clientId: string,
): Promise<void> {
  const own = `:${encodeURIComponent(clientId)}`;
  const keys = await redis.lrange(WILLS_LIST, 0, -1);
  const stale = keys.filter((key) => key.endsWith(own) && key !== `will:${brokerId}${own}`);
  for (const key of stale) {
    // A will key is `will:<broker id>:<client id>`; a broker id holds no ':'.
    if (key.split(':').length !== 3) continue;
    await redis.lrem(WILLS_LIST, 0, key);
    await redis.del(key);
  }
}
