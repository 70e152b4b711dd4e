import type { ChainableCommander, Redis } from 'ioredis';

/** The shape of ingest's intents (ingest/src/intent-journal.ts), which this package cannot import. */
export interface SharedIntent {
  stream: 'telemetry' | 'event';
  deviceId: string;
  seq: number | undefined;
  ts: number;
}

/**
 * Longer than a device takes to find another node after its node died without closing its
 * connection (1.5 × a keep-alive of a few minutes); a live node forgets its intents itself, about
 * a second after writing them.
 */
const KEEP_MS = 15 * 60_000;
/** Ingest waits this long at most before writing a batch whose intents Redis has not taken. */
const SHARE_TIMEOUT_MS = 2_000;

const keyOf = (deviceId: string) => `gridsense:seq-intents:${deviceId}`;

/** ioredis answers a pipeline with each command's error beside its result: the first one fails it. */
async function execOrThrow(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error)?.[0];
  if (failed) throw failed;
}

function byDevice(intents: readonly SharedIntent[]): Map<string, SharedIntent[]> {
  const devices = new Map<string, SharedIntent[]>();
  for (const intent of intents) {
    if (intent.seq === undefined) continue; // nothing to write once: the seq is what counts
    let list = devices.get(intent.deviceId);
    if (!list) devices.set(intent.deviceId, (list = []));
    list.push(intent);
  }
  return devices;
}

/**
 * Ingest's shared intents (ingest/src/seq-handover.ts, decision 0016) in the cluster's Redis: a
 * hash per device, `<stream>:<seq>` → ts. Redis unreachable, ingest goes on without them (logged):
 * the cluster needs Redis for everything else already, and refusing readings would lose more.
 */
export function redisSeqHandover(redis: Redis, onError: (error: unknown, context: string) => void) {
  return {
    async share(intents: readonly SharedIntent[]): Promise<void> {
      const devices = byDevice(intents);
      if (devices.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [deviceId, list] of devices) {
        const key = keyOf(deviceId);
        pipeline.hset(key, Object.fromEntries(list.map((i) => [`${i.stream}:${i.seq}`, String(i.ts)])));
        pipeline.pexpire(key, KEEP_MS);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${SHARE_TIMEOUT_MS} ms`)),
          SHARE_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([execOrThrow(pipeline), timeout]);
      } catch (error) {
        onError(
          error,
          'share seq intents (a reading in flight now could be stored twice should this node die)',
        );
      } finally {
        clearTimeout(timer);
      }
    },

    async forget(intents: readonly SharedIntent[]): Promise<void> {
      const devices = byDevice(intents);
      if (devices.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [deviceId, list] of devices)
        pipeline.hdel(keyOf(deviceId), ...list.map((i) => `${i.stream}:${i.seq}`));
      // Left behind, they expire; a takeover would write their seqs again with the same ts anyway.
      await execOrThrow(pipeline).catch((error: unknown) => onError(error, 'forget seq intents'));
    },

    async intentsOf(deviceId: string): Promise<SharedIntent[]> {
      const fields = await redis.hgetall(keyOf(deviceId));
      const intents: SharedIntent[] = [];
      for (const [field, ts] of Object.entries(fields)) {
        const [stream, seq] = field.split(':');
        if ((stream === 'telemetry' || stream === 'event') && seq && Number.isSafeInteger(Number(seq)))
          intents.push({ stream, deviceId, seq: Number(seq), ts: Number(ts) });
      }
      return intents;
    },
  };
}
