// aedes-persistence-redis ships no types: the little of it the cluster uses, as documented in
// its README (ioredis options, or `conn`; destroy() disconnects) and aedes-persistence's API.
declare module 'aedes-persistence-redis' {
  import type { RedisOptions } from 'ioredis';

  export interface RedisPersistenceOptions extends RedisOptions {
    /** Offline QoS 1/2 messages delivered on CONNECT at most (default 1000). */
    maxSessionDelivery?: number;
    /** Seconds an offline message is kept; 0 keeps it (default). */
    packetTTL?: (packet: unknown) => number;
  }

  export interface RedisPersistence {
    destroy(): Promise<void>;
  }

  export default function aedesPersistenceRedis(options?: RedisPersistenceOptions): RedisPersistence;
}
