import { Redis, type ChainableCommander } from 'ioredis';
import { redisOptionsFromUrl } from './cluster-redis';

/** The shape of ingest's shared intents (ingest/src/seq-handover.ts), which this package cannot import. */
export interface SharedIntent {
  stream: 'telemetry' | 'event';
  deviceId: string;
  seq: number | undefined;
  ts: number;
  /** The device's boot count the seq belongs to (−1: none announced). */
  boot: number;
}

/**
 * Longer than a device takes to find another node after its node died without closing its
 * connection (1.5 × a keep-alive of a few minutes). Each field carries the time it was shared and
 * is ignored past this on reading: the hash's own expiry is renewed while the device reports.
 */
const KEEP_MS = 15 * 60_000;
/** The most ingest waits on Redis for a batch's intents, or a connecting device waits for its own. */
const COMMAND_TIMEOUT_MS = 1_000;

const keyOf = (deviceId: string) => `gridsense:seq-intents:${deviceId}`;
const fieldOf = (intent: { stream: string; seq: number | undefined }) => `${intent.stream}:${intent.seq}`;

function byDevice<T extends { deviceId: string; seq: number | undefined }>(
  intents: readonly T[],
): Map<string, T[]> {
  const devices = new Map<string, T[]>();
  for (const intent of intents) {
    if (intent.seq === undefined) continue; // nothing to write once: the seq is what counts
    let list = devices.get(intent.deviceId);
    if (!list) devices.set(intent.deviceId, (list = []));
    list.push(intent);
  }
  return devices;
}

/** ioredis answers a pipeline with each command's error beside its result: the first one fails it. */
async function execOrThrow(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error)?.[0];
  if (failed) throw failed;
}

export interface RedisSeqHandover {
  share(intents: readonly SharedIntent[]): Promise<void>;
  forget(intents: readonly Omit<SharedIntent, 'boot'>[]): Promise<void>;
  intentsOf(deviceId: string): Promise<SharedIntent[]>;
  close(): Promise<void>;
}

/**
 * Ingest's shared intents (ingest/src/seq-handover.ts, decision 0016) in the cluster's Redis: a
 * hash per device, `<stream>:<seq>` → `<ts> <boot> <shared at>`, on a connection of its own that
 * fails fast (no offline queue, 1 s per command). Redis unreachable, ingest goes on without them
 * (logged once per outage): the cluster needs Redis for everything else already, and refusing
 * readings would lose more than the duplicates this lets through.
 */
export function openSeqHandover(
  redisUrl: string,
  onError: (error: unknown, context: string) => void,
  now: () => number = Date.now,
): RedisSeqHandover {
  const redis = new Redis({
    ...redisOptionsFromUrl(redisUrl),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  redis.on('error', () => undefined); // reported by the commands that fail, below
  // Until the first connection is up, a command waits for it (briefly); in an outage after that it
  // fails at once instead of holding every batch.
  let connecting: Promise<void> | undefined = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, COMMAND_TIMEOUT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  }).then(() => (connecting = undefined));
  let failing = false;
  const failed = (error: unknown, context: string) => {
    if (!failing) onError(error, context);
    failing = true;
  };

  return {
    async share(intents) {
      const devices = byDevice(intents);
      if (devices.size === 0) return;
      const pipeline = redis.pipeline();
      const at = now();
      for (const [deviceId, list] of devices) {
        const key = keyOf(deviceId);
        pipeline.hset(key, Object.fromEntries(list.map((i) => [fieldOf(i), `${i.ts} ${i.boot} ${at}`])));
        pipeline.pexpire(key, KEEP_MS);
      }
      try {
        await connecting;
        await execOrThrow(pipeline);
        if (failing) onError(new Error('Redis answers again'), 'share seq intents: sharing again');
        failing = false;
      } catch (error) {
        failed(
          error,
          'share seq intents (until Redis answers, a reading in flight when this node dies may be stored twice)',
        );
      }
    },

    async forget(intents) {
      const devices = byDevice(intents);
      if (devices.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [deviceId, list] of devices) pipeline.hdel(keyOf(deviceId), ...list.map(fieldOf));
      // Left behind, they age out (KEEP_MS); a takeover meanwhile writes their seqs again on the same point.
      await execOrThrow(pipeline).catch((error: unknown) => failed(error, 'forget seq intents'));
    },

    async intentsOf(deviceId) {
      const key = keyOf(deviceId);
      await connecting;
      const fields = await redis.hgetall(key);
      const intents: SharedIntent[] = [];
      const expired: string[] = [];
      const oldest = now() - KEEP_MS;
      for (const [field, value] of Object.entries(fields)) {
        const [stream, seq] = field.split(':');
        const [ts, boot, at] = value.split(' ').map(Number);
        const valid =
          (stream === 'telemetry' || stream === 'event') &&
          Number.isSafeInteger(Number(seq)) &&
          [ts, boot, at].every((n) => Number.isFinite(n));
        if (!valid || at! < oldest) expired.push(field);
        else intents.push({ stream, deviceId, seq: Number(seq), ts: ts!, boot: boot! });
      }
      if (expired.length > 0) void redis.hdel(key, ...expired).catch(() => undefined);
      return intents;
    },

    async close() {
      redis.disconnect();
    },
  };
}
