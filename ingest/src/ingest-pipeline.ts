import {
  decodeEvent,
  decodeStatus,
  decodeTelemetry,
  type Bus,
  type DeviceEvent,
  type DeviceIdentity,
  type DeviceTopic,
  type Reading,
  type RiskSignal,
} from '@gridsense/core';
import type { ActivityBook } from './device-activity';
import { createDurableWriter, type StoredItem } from './durable-writer';
import { createDurableStage } from './durable-stage';
import { decodeBoot } from './seq-boot';
import { SeqDeduper, type Sequenced } from './seq-dedup';
import type { IngestLog } from './ingest-log';
import { ingestMetrics, type IngestMetrics } from './ingest-metrics';
import type { IntentJournal } from './intent-journal';
import type { SeqHandover } from './seq-handover';
import { excerptPayload, type IngestRejectReason, type RejectCounter } from './reject-counter';
import type { RuleEngine } from './rule-engine';
import type { SeqBook, SeqStream } from './seq-book';
import type { Spool, SpoolDepth } from './spool/spool';
import type { TimeSeriesStore } from './timeseries';

export interface DeviceDirectory {
  get(deviceId: string): { gridId: string; type: string } | undefined;
  /** Records a status change; returns whether it changed anything. */
  markOnline(deviceId: string, online: boolean, at: number): boolean;
  touch(deviceId: string, at: number): void;
}

export interface IngestDeps {
  store: TimeSeriesStore;
  spool: Spool<StoredItem>;
  devices: DeviceDirectory;
  rules: Pick<RuleEngine, 'evaluateReading' | 'evaluateEvent'>;
  bus: Bus;
  rejects: RejectCounter;
  seqs: SeqBook;
  activity: ActivityBook;
  /** Intents of every write, so seqs in flight at a crash are written once after it. */
  journal?: IntentJournal;
  /** On a broker cluster: the intents shared as well (seq-handover.ts). */
  handover?: SeqHandover;
  now: () => number;
  log: IngestLog;
  onError: (error: unknown, context: string) => void;
  metrics?: IngestMetrics;
  /** Readings admitted and not yet durable; more wait (and so do their PUBACKs). Default 20,000. */
  maxInFlight?: number;
  /** Most readings and events per group commit (default 5,000). */
  maxBatch?: number;
  /** Which acknowledgement the PUBACK-delay metric measures. */
  ackPath?: 'embedded' | 'external';
  /** Backoff between spool replay attempts while the store is down. */
  retryMs?: { min: number; max: number };
  /** A store write unanswered this long counts as failed and is spooled (default 2,000 ms). */
  storeStallMs?: number;
}

export type IngestOutcome =
  | { outcome: 'accepted'; stored: number; duplicates: number }
  | { outcome: 'rejected'; reason: IngestRejectReason; detail: string };

export interface Ingest {
  /** Handles one device message; resolves once it is durable (accepted) or rejected for good. */
  handleDeviceMessage(topic: DeviceTopic, payload: Buffer): Promise<IngestOutcome>;
  counters(): { accepted: number; rejected: number; readings: number; duplicates: number };
  status(): {
    spooling: boolean;
    spoolFull: boolean;
    spool: SpoolDepth;
    inFlight: { readings: number; waiting: number };
  };
  /** Resolves once everything handed in so far is durable. */
  flush(): Promise<void>;
  /** Resolves once the spool is replayed into the store. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The ingest pipeline, one small step after another:
 * identifyDevice → decode → dropDuplicates (seq) → evaluateRules → publishSignals, and alongside
 * admit (bounded in flight) → makeDurable (group commit into the store, or the spool) → recordSeqs
 * → PUBACK. Rules see each fresh reading once, without waiting for the commit (decision 0008).
 */
export function createIngest(deps: IngestDeps): Ingest {
  const metrics = deps.metrics ?? ingestMetrics;
  const ackPath = deps.ackPath ?? 'embedded';
  const writer = createDurableWriter({
    store: deps.store,
    spool: deps.spool,
    now: deps.now,
    log: deps.log,
    metrics,
    ...(deps.retryMs ? { retryMs: deps.retryMs } : {}),
    ...(deps.storeStallMs ? { stallMs: deps.storeStallMs } : {}),
    onReplayRefused: (items, error) => {
      deps.log.error({ err: error, count: items.length }, 'store refused spooled items for good');
      for (const item of items)
        countReject(item.value.deviceId, 'store_refused', 'the store refused this point', '');
    },
  });
  const stage = createDurableStage({
    writer,
    seqs: deps.seqs,
    dedup: new SeqDeduper(deps.seqs, (stream, count) => metrics.duplicates.inc({ kind: stream }, count)),
    metrics,
    journal: deps.journal,
    ...(deps.handover ? { handover: deps.handover } : {}),
    maxInFlight: deps.maxInFlight ?? 20_000,
    maxBatch: deps.maxBatch ?? 5_000,
    onRefused: (deviceId, detail) => countReject(deviceId, 'store_refused', detail, ''),
  });
  const unwatch = metrics.watch({
    spool: () => writer.status().depth,
    inFlight: () => stage.inFlight(),
    now: deps.now,
  });
  const counters = { accepted: 0, rejected: 0, readings: 0, duplicates: 0 };

  /**
   * Readings without `ts` get the receive time, strictly increasing per device stream (kept in the
   * seq book, so across restarts too): two messages in the same millisecond (or a batch without ts)
   * would otherwise be one point in both stores, and the second would silently replace the first.
   */
  function spreadStamps(stream: SeqStream, deviceId: string, stamp: number, items: Sequenced[]): void {
    let next = stamp;
    for (const item of items) if (item.ts === stamp) item.ts = next++;
    if (next > stamp) deps.seqs.takeStamps(stream, deviceId, next - 1);
  }

  function countReject(deviceId: string, reason: IngestRejectReason, detail: string, payload: string): void {
    counters.rejected++;
    metrics.rejects.inc({ reason });
    deps.rejects.count(deviceId, reason, detail, deps.now(), payload);
    deps.activity.record(deviceId, deps.now(), { rejected: true });
  }

  const pubackDelay = metrics.pubackDelaySeconds.labels({ path: ackPath });
  /** Observed where the outcome is known (no promise wrapped around each message to time it). */
  const released = (started: number) => pubackDelay.observe((performance.now() - started) / 1000);

  const reject = (
    topic: DeviceTopic,
    reason: IngestRejectReason,
    detail: string,
    payload: Buffer,
    started: number,
  ): IngestOutcome => {
    released(started);
    metrics.countMessage(topic.kind, 'rejected');
    countReject(topic.deviceId, reason, detail, excerptPayload(payload));
    return { outcome: 'rejected', reason, detail };
  };

  const publishSignals = (signals: RiskSignal[]) => {
    for (const signal of signals) {
      deps.bus.publish('risk.changed', signal).catch((error: unknown) => deps.onError(error, 'publish risk'));
    }
  };

  // A rule that throws must not keep the reading from being stored.
  function evaluateReadings(readings: Reading[]): void {
    try {
      for (const reading of readings) publishSignals(deps.rules.evaluateReading(reading));
    } catch (error) {
      deps.onError(error, 'evaluate rules');
    }
  }

  function evaluateEvents(events: DeviceEvent[]): void {
    try {
      for (const event of events) publishSignals(deps.rules.evaluateEvent(event));
    } catch (error) {
      deps.onError(error, 'evaluate rules');
    }
  }

  // One identity per directory entry, made again when the entry changes: not one per message.
  const identities = new WeakMap<object, DeviceIdentity>();
  const identifyDevice = (topic: DeviceTopic): DeviceIdentity | undefined => {
    const device = deps.devices.get(topic.deviceId);
    if (!device || device.gridId !== topic.gridId) return undefined;
    // The entry is the device id's own, so only its grid and type can have changed.
    const known = identities.get(device);
    if (known?.gridId === device.gridId && known.deviceType === device.type) return known;
    const identity = { deviceId: topic.deviceId, gridId: device.gridId, deviceType: device.type };
    identities.set(device, identity);
    return identity;
  };

  function handleTelemetry(
    topic: DeviceTopic,
    device: DeviceIdentity,
    payload: Buffer,
    now: number,
    started: number,
  ) {
    const stamp = deps.seqs.nextStamp('telemetry', device.deviceId, now);
    const decoded = decodeTelemetry(payload, device, stamp);
    if (!decoded.ok) return reject(topic, decoded.reason, decoded.detail, payload, started);
    spreadStamps('telemetry', device.deviceId, stamp, decoded.value);
    metrics.countReadingsIn(decoded.value.length);
    return stage.storeFresh(
      'telemetry',
      device.deviceId,
      decoded.value,
      evaluateReadings,
      (stored, duplicates) => accept(topic, device, now, stored.length, duplicates, started),
    );
  }

  function handleEvent(
    topic: DeviceTopic,
    device: DeviceIdentity,
    payload: Buffer,
    now: number,
    started: number,
  ) {
    const stamp = deps.seqs.nextStamp('event', device.deviceId, now);
    const decoded = decodeEvent(payload, device, stamp);
    if (!decoded.ok) return reject(topic, decoded.reason, decoded.detail, payload, started);
    spreadStamps('event', device.deviceId, stamp, [decoded.value]);
    return stage.storeFresh(
      'event',
      device.deviceId,
      [decoded.value],
      evaluateEvents,
      (_stored, duplicates) => accept(topic, device, now, 0, duplicates, started),
    );
  }

  function accept(
    topic: DeviceTopic,
    device: DeviceIdentity,
    now: number,
    readings: number,
    duplicates: number,
    started: number,
  ): IngestOutcome {
    released(started);
    counters.accepted++;
    counters.readings += readings;
    counters.duplicates += duplicates;
    metrics.countMessage(topic.kind, readings === 0 && duplicates > 0 ? 'duplicate' : 'accepted');
    deps.devices.touch(device.deviceId, now);
    deps.activity.record(device.deviceId, now, { readings, duplicates });
    return { outcome: 'accepted', stored: readings, duplicates };
  }

  async function handleStatus(
    topic: DeviceTopic,
    device: DeviceIdentity,
    payload: Buffer,
    now: number,
    started: number,
  ) {
    const decoded = decodeStatus(payload);
    if (!decoded.ok) return reject(topic, decoded.reason, decoded.detail, payload, started);
    if (decoded.value === 'online') {
      const boot = decodeBoot(payload);
      if (boot !== undefined && deps.seqs.reboot(device.deviceId, boot))
        deps.log.info({ deviceId: device.deviceId, boot }, 'device rebooted: its seqs start afresh');
    }
    counters.accepted++;
    metrics.countMessage('status', 'accepted');
    // A status is a report too: a camera's heartbeat is its online status said again.
    deps.devices.touch(device.deviceId, now);
    if (deps.devices.markOnline(device.deviceId, decoded.value === 'online', now)) {
      await deps.bus.publish('device.status_changed', {
        deviceId: device.deviceId,
        gridId: device.gridId,
        state: decoded.value,
        at: now,
      });
    }
    released(started);
    return { outcome: 'accepted', stored: 0, duplicates: 0 } as const;
  }

  function routeMessage(
    topic: DeviceTopic,
    payload: Buffer,
    started: number,
  ): IngestOutcome | Promise<IngestOutcome> {
    const device = identifyDevice(topic);
    if (!device)
      return reject(
        topic,
        'bad_topic',
        `unknown device or grid in ${topic.gridId}/${topic.deviceId}`,
        payload,
        started,
      );
    const now = deps.now();
    switch (topic.kind) {
      case 'telemetry':
        return handleTelemetry(topic, device, payload, now, started);
      case 'event':
        return handleEvent(topic, device, payload, now, started);
      case 'status':
        return handleStatus(topic, device, payload, now, started);
      default: {
        const unreachable: never = topic.kind;
        return unreachable;
      }
    }
  }

  /** The PUBACK delay is observed when the outcome is known; a failure (no PUBACK) is not one. */
  function handleDeviceMessage(topic: DeviceTopic, payload: Buffer): Promise<IngestOutcome> {
    try {
      const outcome = routeMessage(topic, payload, performance.now());
      return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  return {
    handleDeviceMessage,
    counters: () => ({ ...counters }),
    status: () => {
      const { spooling, spoolFull, depth } = writer.status();
      return { spooling, spoolFull, spool: depth, inFlight: stage.inFlight() };
    },
    flush: () => stage.flush(),
    drained: async () => {
      await stage.flush();
      await writer.drained();
    },
    async close() {
      await stage.flush();
      await writer.close();
      unwatch();
    },
  };
}
