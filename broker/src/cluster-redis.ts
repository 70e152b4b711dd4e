import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import MQEmitterRedis from 'mqemitter-redis';
import { randomBytes } from 'node:crypto';

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
export function openBrokerCluster(options: { redisUrl: string; nodeId: string }): BrokerCluster {
  const redis = redisOptionsFromUrl(options.redisUrl);
  return {
    nodeId: options.nodeId,
    brokerId: `${options.nodeId}-${randomBytes(4).toString('hex')}`,
    // As aedes builds its own in-memory emitter: `a/#` also matches `a` [MQTT-4.7.1-3], and at
    // most 100 deliveries at once.
    mq: MQEmitterRedis({ ...redis, matchEmptyLevels: true, concurrency: 100 }),
    persistence: aedesPersistenceRedis(redis),
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  };
}
