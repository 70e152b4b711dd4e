import { Aedes } from 'aedes';
import type { AedesOptions } from 'aedes';
import type { BrokerCluster } from './cluster-redis';
import { dropWillsFromOtherNodes } from './cluster-stale-wills';

// The cluster comes with the broker (index.ts exports this file).
export * from './cluster-redis';
export * from './cluster-bus';

export type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
export type AuthorizePublishHandler = NonNullable<AedesOptions['authorizePublish']>;
export type AuthorizeSubscribeHandler = NonNullable<AedesOptions['authorizeSubscribe']>;

export type Broker = Aedes;

export interface BrokerOptions {
  /** Who may connect (devices by id + secret, services by the service secret). */
  authenticate: AuthenticateHandler;
  /** Topic ACL and, for devices, the ingest hook: the callback is the QoS 1 PUBACK. */
  authorizePublish: AuthorizePublishHandler;
  authorizeSubscribe: AuthorizeSubscribeHandler;
}

/** Brokers that are one node of a cluster: their persistence is closed with them. */
const clustered = new WeakMap<Broker, BrokerCluster>();

/**
 * The embedded MQTT broker. It holds no business rules: who may connect and publish, and what
 * happens to a device's message, come in as hooks. With `cluster` (cluster-redis.ts) it is one
 * node of several sharing subscriptions, sessions and publishes over Redis; without it, all of
 * that is in this process's memory.
 */
export async function createBroker(options: BrokerOptions, cluster?: BrokerCluster): Promise<Broker> {
  const broker = await Aedes.createBroker({
    authenticate: options.authenticate,
    authorizePublish: options.authorizePublish,
    authorizeSubscribe: options.authorizeSubscribe,
    // Device ids may be up to 64 characters (device contract), longer than MQTT 3.1's 23.
    maxClientsIdLength: 64,
    drainTimeout: 30_000,
    // A socket that has not sent CONNECT by then is closed (aedes' default is 30 s).
    connectTimeout: 10_000,
    ...(cluster
      ? {
          id: cluster.brokerId,
          mq: cluster.mq,
          persistence: cluster.persistence,
          heartbeatInterval: cluster.heartbeatIntervalMs,
        }
      : {}),
  });
  if (cluster) {
    clustered.set(broker, cluster);
    broker.on('client', (client) => {
      // Should Redis fail here, the old will is published late, as it would be without this.
      dropWillsFromOtherNodes(cluster.redis, cluster.brokerId, client.id).catch(() => undefined);
    });
  }
  return broker;
}

/** The cluster this broker is a node of, if any. */
export function clusterOf(broker: Broker): BrokerCluster | undefined {
  return clustered.get(broker);
}

export async function closeBroker(broker: Broker): Promise<void> {
  // Closing aedes ends its clients (their wills and session updates still reach the persistence)
  // and its emitter; the persistence's Redis connection is ours to end after.
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  const cluster = clustered.get(broker);
  clustered.delete(broker);
  await cluster?.persistence.destroy().catch(() => undefined);
  cluster?.redis.disconnect();
}
