import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import { Redis } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';

/** What makes an embedded broker one node of several: the emitter and persistence they share. */
export interface BrokerCluster {
  /** This node's name (GRIDSENSE_NODE_ID), as operators read it in logs and $SYS topics. */
  nodeId: string;
  /** The aedes broker id: the node's name plus a per-start suffix (see openBrokerCluster). */
  brokerId: string;
  /** Every node's publishes and subscriptions, through Redis pub/sub (aedes' `mq`). */
  mq: ReturnType<typeof MQEmitterRedis>;
  /** Sessions, subscriptions, queued QoS 1 messages, retained messages and wills, in Redis. */
  persistence: RedisPersistence;
  /** How often nodes announce themselves; a node silent for three of these counts as dead. */
  heartbeatIntervalMs: number;
  /** GridSense's own connection to the cluster's Redis (wills left by other nodes). */
  redis: Redis;
}

/**
 * A dead node's wills are published by the others about three to four heartbeats after it fell
 * silent (aedes' default of one minute would leave a crashed node's devices online for minutes).
 */
const HEARTBEAT_INTERVAL_MS = 10_000;

/** ioredis options from a redis:// or rediss:// URL (the persistence takes options, not a URL). */
export function redisOptionsFromUrl(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
} {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Connects this node to the cluster's Redis. The broker id gets a fresh suffix at every start:
 * aedes-persistence-redis keys queued messages by broker id and a counter that restarts at zero,
 * so a node restarted under the same id would overwrite messages its previous run queued for
 * offline devices; and the previous run's wills must count as a dead broker's, to be published.
 */
export function openBrokerCluster(options: {
  redisUrl: string;
  nodeId: string;
  /** Redis errors (the connections retry by themselves). */
  onError?: (error: unknown) => void;
  heartbeatIntervalMs?: number;
}): BrokerCluster {
  const redis = redisOptionsFromUrl(options.redisUrl);
  const onError = options.onError ?? (() => undefined);
  // As aedes builds its own in-memory emitter: `a/#` also matches `a` [MQTT-4.7.1-3], and at
  // most 100 deliveries at once.
  const mq = MQEmitterRedis({ ...redis, matchEmptyLevels: true, concurrency: 100 });
  // mqemitter-redis (7.2) re-emits its connections' errors on `state`, a plain EventEmitter: with
  // no listener, a Redis outage would throw out of the event loop and end the process.
  (mq as unknown as { state: EventEmitter }).state.on('error', onError);
  const own = new Redis(redis);
  own.on('error', onError);
  return {
    nodeId: options.nodeId,
    brokerId: `${options.nodeId}-${randomBytes(4).toString('hex')}`,
    mq,
    persistence: aedesPersistenceRedis(redis),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    redis: own,
  };
}
