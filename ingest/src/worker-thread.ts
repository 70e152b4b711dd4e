/**
 * Ingest in a worker thread (`worker-ingest.ts` starts it): its own connection to the state
 * database, its own time-series store, the spool and the intent journal (their one writer), the
 * seq book, the rule engine. The main thread only packs device messages and releases PUBACKs.
 */
import type { DeviceTopic } from '@gridsense/core';
import { createLogger, DeviceRegistry, openStateDb } from '@gridsense/state';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createIngestService, ingestSettings, type IngestService } from './ingest-service';
import { metricsRegistry } from './ingest-metrics';
import type { IngestOutcome } from './ingest-pipeline';
import { openTimeSeriesStore } from './open-store';
import { createPortBus } from './worker-bus';
import { SlicedHandIn } from './worker-hand-in';
import {
  OUTCOME_ACCEPTED,
  OUTCOME_FAILED,
  OUTCOME_REJECTED,
  TopicTable,
  type FromWorker,
  type UnpackedMessages,
  type ToWorker,
  type WorkerCall,
  type WorkerSnapshot,
  type WorkerStart,
} from './worker-protocol';

const port = parentPort!;
const { config, ackPath } = workerData as WorkerStart;
const post = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
const logger = createLogger({ level: config.logLevel, service: 'ingest' });
const onError = (error: unknown, context: string) => logger.error({ err: error, context }, context);
/** Process metrics are the main thread's; the worker adds only ingest's own. */
const PROCESS_METRICS = /^gridsense_(process_|nodejs_)/;
const TOUCHED_EVERY_MS = 1_000;
const SNAPSHOT_EVERY_MS = 200;

async function start() {
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  const store = await openTimeSeriesStore(config, { log: logger, maintainRollups: true });
  const registry = await DeviceRegistry.load(db);
  const bus = createPortBus(port, (error) => onError(error, 'bus'));

  // Last-seen times go to the main thread's registry (the console's device list) once a second.
  let touched = new Map<string, number>();
  const touch = registry.touch.bind(registry);
  registry.touch = (deviceId, at) => {
    touch(deviceId, at);
    touched.set(deviceId, at);
  };
  const touchedTimer = setInterval(() => {
    if (touched.size === 0) return;
    post({ type: 'touched', devices: [...touched] });
    touched = new Map();
  }, TOUCHED_EVERY_MS);
  touchedTimer.unref();

  // Registrations and changes reach this copy of the registry through the bus event.
  let reloading: Promise<void> | undefined;
  const reloadDevices = () =>
    (reloading ??= registry
      .reload()
      .then(
        () => undefined,
        (error: unknown) => onError(error, 'reload devices'),
      )
      .finally(() => (reloading = undefined)));
  await bus.subscribe('device.access_changed', () => reloadDevices());

  const ingest = await createIngestService({
    db,
    store,
    registry,
    bus,
    ...ingestSettings(config),
    ackPath,
    log: logger,
    onError,
  });
  return { db, store, ingest, registry, reloadDevices, stopTouched: () => clearInterval(touchedTimer), bus };
}

type Started = Awaited<ReturnType<typeof start>>;

function snapshotOf(ingest: IngestService): WorkerSnapshot {
  return { status: ingest.status(), counters: ingest.counters() };
}

/** Outcomes gathered during one turn of this thread's loop, sent back together. */
function createAcks(ingest: IngestService) {
  let ids: number[] = [];
  let outcomes: number[] = [];
  let reasons: { index: number; reason: string; detail: string }[] = [];
  let errors: { index: number; message: string }[] = [];
  let scheduled = false;
  const send = () => {
    scheduled = false;
    if (ids.length === 0) return;
    const idArray = Uint32Array.from(ids);
    const outcomeArray = Uint8Array.from(outcomes);
    post(
      {
        type: 'acks',
        ids: idArray,
        outcomes: outcomeArray,
        reasons,
        errors,
        snapshot: snapshotOf(ingest),
      },
      [idArray.buffer, outcomeArray.buffer],
    );
    ids = [];
    outcomes = [];
    reasons = [];
    errors = [];
  };
  const push = (id: number, outcome: number) => {
    ids.push(id);
    outcomes.push(outcome);
    if (!scheduled) {
      scheduled = true;
      // Everything one group commit settles resolves in the same turn: one message for all.
      setImmediate(send);
    }
  };
  return {
    send,
    outcome(id: number, result: IngestOutcome) {
      if (result.outcome === 'rejected')
        reasons.push({ index: ids.length, reason: result.reason, detail: result.detail });
      push(id, result.outcome === 'rejected' ? OUTCOME_REJECTED : OUTCOME_ACCEPTED);
    },
    failed(id: number, error: unknown) {
      errors.push({ index: ids.length, message: error instanceof Error ? error.message : String(error) });
      push(id, OUTCOME_FAILED);
    },
  };
}

async function run(started: Started) {
  const { ingest, registry, reloadDevices } = started;
  const acks = createAcks(ingest);
  const snapshots = setInterval(
    () => post({ type: 'snapshot', snapshot: snapshotOf(ingest) }),
    SNAPSHOT_EVERY_MS,
  );
  snapshots.unref();
  // Batches are handed to ingest in arrival order; one that names a device this copy of the
  // registry does not know yet waits for a reload (a registration just made on the main thread),
  // and so does every batch after it.
  let feeding: Promise<void> = Promise.resolve();
  let waiting = 0;
  const handing = new SlicedHandIn((id, topic: DeviceTopic, payload) => {
    try {
      ingest.handleDeviceMessage(topic, payload).then(
        (result) => acks.outcome(id, result),
        (error: unknown) => acks.failed(id, error),
      );
    } catch (error) {
      acks.failed(id, error);
    }
  });
  const topicTable = new TopicTable();
  const knowsAll = ({ topics }: UnpackedMessages) => {
    for (let i = 0; i < topics.length; i++) if (!registry.get(topics[i]!.deviceId)) return false;
    return true;
  };
  const feed = (buffer: ArrayBuffer, count: number) => {
    // Unpacked on arrival, in order: a batch names the topics the ones before it numbered.
    const batch = topicTable.unpack(buffer, count);
    if (waiting === 0 && knowsAll(batch)) return handing.push(batch);
    waiting++;
    feeding = feeding
      .then(() => (knowsAll(batch) ? undefined : reloadDevices()))
      .then(() => handing.push(batch))
      .catch((error: unknown) => onError(error, 'hand in device messages'))
      .finally(() => waiting--);
  };

  const call = async (name: WorkerCall): Promise<unknown> => {
    await feeding;
    await handing.idle();
    switch (name) {
      case 'flush':
        return ingest.flush();
      case 'drained':
        return ingest.drained();
      case 'reloadRules':
        return ingest.reloadRules();
      case 'metrics':
        return (await metricsRegistry.getMetricsAsJSON()).filter((m) => !PROCESS_METRICS.test(m.name));
      case 'close':
        clearInterval(snapshots);
        started.stopTouched();
        await ingest.close();
        await started.store.close();
        await started.db.destroy();
        return undefined;
      default: {
        const unreachable: never = name;
        return unreachable;
      }
    }
  };

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'start':
        return;
      case 'messages':
        return feed(message.buffer, message.count);
      case 'bus':
        return started.bus.deliver(message);
      case 'call':
        call(message.call).then(
          (value) => {
            acks.send();
            post({ type: 'reply', id: message.id, value, snapshot: snapshotOf(ingest) });
            if (message.call === 'close') port.close();
          },
          (error: unknown) => {
            acks.send();
            post({
              type: 'reply',
              id: message.id,
              error: error instanceof Error ? error.message : String(error),
              snapshot: snapshotOf(ingest),
            });
          },
        );
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  });
  post({ type: 'ready', snapshot: snapshotOf(ingest) });
}

// Loaded while the main thread sets up the state database and the broker; opened on its word.
port.once('message', (message: ToWorker) => {
  if (message.type !== 'start') return;
  start().then(run, (error: unknown) => {
    logger.error({ err: error }, 'ingest worker failed to start');
    post({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
