import type { Logger } from '@gridsense/state';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';

/** Keys and channels of GridSense's web nodes, apart from whatever else shares the Redis. */
const PREFIX = 'gridsense:socket.io';

export interface SocketCluster {
  /** socket.io's `adapter` option: rooms, fetchSockets and broadcasts span every node on this Redis. */
  adapter: ReturnType<typeof createAdapter>;
  /** Ends the adapter's Redis connections; call it after `io.close()`. */
  close(): Promise<void>;
}

/**
 * The web nodes' socket.io cluster on the Redis at `redisUrl` (decision 0014). The adapter takes
 * an ioredis client as well as a node-redis one (it duplicates it for its stream reader and its
 * pub/sub subscriber). A node whose Redis is down keeps serving its own sockets: the gateway's
 * events never travel through Redis (each node emits them to its own sockets).
 */
export function joinSocketCluster(redisUrl: string, logger: Logger): SocketCluster {
  const redis = new Redis(redisUrl);
  // ioredis reports every failed reconnect: log an outage once, and its end.
  let reachable = true;
  redis.on('error', (error: unknown) => {
    if (reachable) logger.error({ err: error }, 'socket.io cluster: Redis unreachable, retrying');
    reachable = false;
  });
  redis.on('ready', () => {
    if (!reachable) logger.info('socket.io cluster: Redis reachable again');
    reachable = true;
  });
  // The adapter makes its stream reader and its subscriber with duplicate(), within createAdapter:
  // note them, so close() ends them at once (the reader would otherwise outwait a Redis outage).
  const connections = [redis];
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (override) => {
    const copy = duplicate(override);
    connections.push(copy);
    return copy;
  };
  const adapter = createAdapter(redis, {
    streamName: PREFIX,
    channelPrefix: PREFIX,
    sessionKeyPrefix: `${PREFIX}:session:`,
    // The stream reader notices a closed server only between reads: keep a stop under a second.
    blockTimeInMs: 1_000,
  });
  Reflect.deleteProperty(redis, 'duplicate');
  return {
    adapter,
    close() {
      // After io.close(), which stops the reader: a reader still running would retry at once on
      // an ended connection. No reply is awaited: QUIT would wait for a Redis that may be down.
      for (const connection of connections) connection.disconnect();
      return Promise.resolve();
    },
  };
}
