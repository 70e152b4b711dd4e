import type { Bus, BusEventName, BusPayloads, Config, DeviceTopic } from '@gridsense/core';
import type { DeviceRegistry } from '@gridsense/state';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { IngestLog } from './ingest-log';
import { addMetricsSource } from './ingest-metrics';
import type { Ingest, IngestOutcome } from './ingest-pipeline';
import type { IngestRejectReason } from './reject-counter';
import {
  MessagePacker,
  OUTCOME_ACCEPTED,
  OUTCOME_REJECTED,
  type FromWorker,
  type ToWorker,
  type WorkerCall,
  type WorkerSnapshot,
  type WorkerStart,
} from './worker-protocol';

// The worker is TypeScript: it registers tsx's loader itself (a worker inherits no loader hooks,
// and refuses an explicit `--import tsx` under some runners), as web/src/grid-overlap-check.ts.
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const WORKER_ENTRY = new URL('./worker-thread.ts', import.meta.url).href;
/** A worker that has not opened its database, store and spool by then is taken as failed. */
const START_TIMEOUT_MS = 60_000;

export interface IngestWorkerDeps {
  /** The thread from `spawnIngestWorker`, loading its modules meanwhile. */
  spawned: SpawnedWorker;
  /** The platform's bus: the worker's risk and status events go on it, its subscriptions come from it. */
  bus: Bus;
  /** The main thread's registry: online flags and last-seen times follow the worker's. */
  registry: DeviceRegistry;
  log: IngestLog;
  onError: (error: unknown, context: string) => void;
}

/** Ingest as the broker's publish hook sees it, whether it runs here or in a worker. */
export interface IngestHandle extends Ingest {
  reloadRules(): Promise<void>;
}

type Settle = { resolve: (outcome: IngestOutcome) => void; reject: (error: Error) => void };

const ACCEPTED: IngestOutcome = { outcome: 'accepted', stored: 0, duplicates: 0 };

export interface SpawnedWorker {
  worker: Worker;
  /** Why the thread failed before it was started (it could not load its modules). */
  failed(): Error | undefined;
  /** Stops a thread that was never started. */
  terminate(): Promise<void>;
}

/**
 * Starts the thread at once: it loads its modules (seconds under the TypeScript loader) while the
 * caller opens the state database and the broker; `startIngestWorker` then opens ingest in it.
 */
export function spawnIngestWorker(
  config: Config,
  ackPath: WorkerStart['ackPath'] = 'embedded',
): SpawnedWorker {
  const start: WorkerStart = { config, ackPath };
  const worker = new Worker(
    `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY)}); })`,
    { eval: true, workerData: start },
  );
  let failed: Error | undefined;
  const onEarlyError = (error: Error) => (failed ??= error);
  const onEarlyExit = (code: number) =>
    (failed ??= new Error(`the ingest worker stopped (exit code ${code})`));
  worker.once('error', onEarlyError);
  worker.once('exit', onEarlyExit);
  return {
    worker,
    failed() {
      worker.off('error', onEarlyError);
      worker.off('exit', onEarlyExit);
      return failed;
    },
    terminate: () => worker.terminate().then(() => undefined),
  };
}

/**
 * Ingest in one worker thread (docs/decisions/0015): device messages are gathered per turn of the
 * broker's loop, packed into one buffer and transferred; the worker answers with the ids whose
 * PUBACKs may go. Bounded memory stays the broker's held-publish budget plus the worker's
 * in-flight limit: a message waits (its PUBACK with it) until the worker answers.
 */
export async function startIngestWorker(deps: IngestWorkerDeps): Promise<IngestHandle> {
  const { worker } = deps.spawned;
  const early = deps.spawned.failed();
  if (early) throw early;
  const post = (message: ToWorker, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  const settles = new Map<number, Settle>();
  const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let nextCall = 1;
  let snapshot: WorkerSnapshot | undefined;
  let stopped: Error | undefined;
  let running = false;
  /** The worker threw after it was running (its 'exit' follows). */
  let crashed = false;
  /** `close` was called: whatever the thread does from now on is its shutdown, not a loss. */
  let closing = false;
  const packer = new MessagePacker();
  let scheduled = false;

  const sendMessages = () => {
    scheduled = false;
    if (packer.count === 0 || stopped) return;
    const { buffer, count } = packer.take();
    post({ type: 'messages', buffer, count }, [buffer]);
  };

  const failAll = (error: Error) => {
    stopped ??= error;
    for (const settle of settles.values()) settle.reject(error);
    settles.clear();
    for (const call of calls.values()) call.reject(error);
    calls.clear();
  };

  function settleAcks(message: Extract<FromWorker, { type: 'acks' }>): void {
    const { ids, outcomes, reasons, errors } = message;
    let reason = 0;
    let failure = 0;
    for (let i = 0; i < ids.length; i++) {
      const settle = settles.get(ids[i]!);
      settles.delete(ids[i]!);
      const outcome = outcomes[i]!;
      if (outcome === OUTCOME_ACCEPTED) settle?.resolve(ACCEPTED);
      else if (outcome === OUTCOME_REJECTED) {
        const why = reasons[reason++]!;
        settle?.resolve({
          outcome: 'rejected',
          reason: why.reason as IngestRejectReason,
          detail: why.detail,
        });
      } else settle?.reject(new Error(errors[failure++]?.message ?? 'ingest failed'));
    }
  }

  // The worker's bus subscriptions, made here on the platform's bus: their ways to stop.
  const workerSubscriptions = new Map<number, Promise<() => Promise<void>>>();
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ingest worker did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'acks':
          snapshot = message.snapshot;
          return settleAcks(message);
        case 'publish':
          deps.bus
            .publish(message.event, message.payload as BusPayloads[BusEventName])
            .catch((error: unknown) => deps.onError(error, `publish ${message.event}`));
          return;
        case 'subscribe': {
          const { sub } = message;
          const stop = deps.bus.subscribeTopic(message.filter, (topic, payload) =>
            post({ type: 'bus', sub, topic, payload: Uint8Array.from(payload) }),
          );
          workerSubscriptions.set(sub, stop);
          stop.catch((error: unknown) => deps.onError(error, 'subscribe for the ingest worker'));
          return;
        }
        case 'unsubscribe': {
          const stop = workerSubscriptions.get(message.sub);
          workerSubscriptions.delete(message.sub);
          stop
            ?.then((unsubscribe) => unsubscribe())
            .catch((error: unknown) => deps.onError(error, 'unsubscribe for the ingest worker'));
          return;
        }
        case 'snapshot':
          snapshot = message.snapshot;
          return;
        case 'touched':
          for (const [deviceId, at] of message.devices) deps.registry.touch(deviceId, at);
          return;
        case 'reply': {
          snapshot = message.snapshot;
          const call = calls.get(message.id);
          calls.delete(message.id);
          if (message.error !== undefined) call?.reject(new Error(message.error));
          else call?.resolve(message.value);
          return;
        }
        case 'ready':
          snapshot = message.snapshot;
          clearTimeout(timer);
          return resolve();
        case 'failed':
          clearTimeout(timer);
          return reject(new Error(`the ingest worker failed to start: ${message.error}`));
        default: {
          const unreachable: never = message;
          return unreachable;
        }
      }
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      crashed = running && !stopped;
      deps.onError(error, 'ingest worker');
      failAll(error);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      const error = new Error(`the ingest worker stopped (exit code ${code})`);
      const lost = !closing && (crashed || (running && !stopped));
      if (!stopped && code !== 0) deps.onError(error, 'ingest worker');
      failAll(error);
      reject(error);
      // Without its worker ingest refuses every device message while the rest still answers: end
      // the process, so the supervisor (decision 0010) starts a whole one again.
      if (lost) process.exit(70);
    });
  });
  post({ type: 'start' });
  try {
    await ready;
    running = true;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  // The online flag of the console's device list: the worker announces each change on the bus.
  await deps.bus.subscribe('device.status_changed', (change) => {
    deps.registry.markOnline(change.deviceId, change.state === 'online', change.at);
  });

  const call = (name: WorkerCall): Promise<unknown> => {
    if (stopped) return Promise.reject(stopped);
    // Messages gathered so far go first: a flush covers everything handed in before it.
    sendMessages();
    const id = nextCall++;
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      post({ type: 'call', id, call: name });
    });
  };

  const removeMetrics = addMetricsSource(async () =>
    stopped ? [] : ((await call('metrics')) as MetricObjectWithValues<MetricValue<string>>[]),
  );

  return {
    handleDeviceMessage(topic: DeviceTopic, payload: Buffer): Promise<IngestOutcome> {
      if (stopped) return Promise.reject(stopped);
      const id = nextId;
      nextId = nextId === 0xffffffff ? 1 : nextId + 1;
      packer.add(id, topic, payload);
      if (!scheduled) {
        scheduled = true;
        // Everything the broker reads from its sockets in this turn goes in one batch.
        setImmediate(sendMessages);
      }
      return new Promise((resolve, reject) => settles.set(id, { resolve, reject }));
    },
    counters: () => ({ ...snapshot!.counters }),
    status: () => snapshot!.status,
    flush: () => call('flush').then(() => undefined),
    drained: () => call('drained').then(() => undefined),
    reloadRules: () => call('reloadRules').then(() => undefined),
    async close() {
      removeMetrics();
      if (stopped) return;
      closing = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      try {
        await call('close');
      } finally {
        stopped = new Error('ingest is closed');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        await worker.terminate();
      }
    },
  };
}
