import type { Logger } from '@gridsense/state';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';

/** Keys and channels of GridSense's web nodes, apart from whatever else shares the Redis. */
const PREFIX = 'gridsense:socket.io';

export interface SocketCluster {
  /** socket.io's `adapter` option: rooms, fetchSockets and broadcasts span every node on this Redis. */
  adapter: ReturnType<typeof createAdapter>;
  /** Ends the connection the adapter publishes on; `io.close()` has ended its readers. */
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
  return {
    adapter: createAdapter(redis, {
      streamName: PREFIX,
      channelPrefix: PREFIX,
      sessionKeyPrefix: `${PREFIX}:session:`,
      // The stream reader notices a closed server only between reads: keep a stop under a second.
      blockTimeInMs: 1_000,
    }),
    close() {
      // No reply is awaited: QUIT would wait for a Redis that may be down, and nothing queued matters.
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
