import type { Bus, Config } from '@gridsense/core';
import { listEnabledRules, setDeviceOnline, type DeviceRegistry, type StateDb } from '@gridsense/state';
import { join } from 'node:path';
import { ActivityBook } from './device-activity';
import { loadActivities, loadSeqStates, saveDeviceHealth } from './device-health.repository';
import type { StoredItem } from './durable-writer';
import { createIngest, type Ingest, type IngestDeps } from './ingest-pipeline';
import type { IngestLog } from './ingest-log';
import { IntentJournal } from './intent-journal';
import { RejectCounter } from './reject-counter';
import { startReportWatch } from './report-watch';
import { startRetention, type RetentionDays } from './retention';
import { RuleEngine } from './rule-engine';
import { startRuleEngine } from './rule-engine-service';
import { SeqBook } from './seq-book';
import type { SeqHandover } from './seq-handover';
import { Spool } from './spool/spool';
import type { TimeSeriesStore } from './timeseries';

export interface IngestServiceDeps {
  db: StateDb;
  store: TimeSeriesStore;
  registry: DeviceRegistry;
  bus: Bus;
  /** The rule engine readings and events go through (default: one over the enabled rules). */
  rules?: RuleEngine;
  /** Where the spool and the intent journal live (local disk of this ingest). */
  spoolDir: string;
  /** Spool limit; past it acknowledgements are held (see README, "spool full"). */
  spoolMaxBytes?: number;
  maxInFlight?: number;
  ackPath?: IngestDeps['ackPath'];
  retryMs?: IngestDeps['retryMs'];
  storeStallMs?: IngestDeps['storeStallMs'];
  now?: () => number;
  log: IngestLog;
  onError: (error: unknown, context: string) => void;
  /** On a broker cluster: seq intents shared between nodes (seq-handover.ts, decision 0016). */
  handover?: SeqHandover;
  /** How often device health (seq state, activity, rejects, status) reaches the database. */
  persistEveryMs?: number;
  /** Retention of readings and rollups, applied hourly (default: keep everything). */
  retentionDays?: RetentionDays;
  /** How often devices whose reports fell overdue (or came back) are looked for (report-watch.ts). */
  reportSweepMs?: number;
}

/** The settings every way of running ingest takes from its Config (platform, alone, worker, bench). */
export function ingestSettings(
  config: Pick<Config, 'spoolDir' | 'spoolMaxBytes' | 'ingestMaxInFlight' | 'storeStallMs' | 'retentionDays'>,
): Pick<IngestServiceDeps, 'spoolDir' | 'spoolMaxBytes' | 'maxInFlight' | 'storeStallMs' | 'retentionDays'> {
  return {
    spoolDir: config.spoolDir,
    spoolMaxBytes: config.spoolMaxBytes,
    maxInFlight: config.ingestMaxInFlight,
    storeStallMs: config.storeStallMs,
    retentionDays: config.retentionDays,
  };
}

export interface IngestService extends Ingest {
  rules: RuleEngine;
  /**
   * A device connected to this node: with a handover, its seq state is read again from the
   * database and the shared intents, as it may come from another node (decision 0016).
   */
  adoptDevice(deviceId: string): Promise<void>;
  reloadRules(): Promise<void>;
}

/** The most a connecting device's CONNACK waits for its seq state to come over (decision 0016). */
const ADOPT_TIMEOUT_MS = 1_000;

/**
 * Ingest wired to state: rules from the database; seq state, activity and reject counts loaded at
 * start and saved every second; the spool and intent journal under `spoolDir`.
 */
export async function createIngestService(deps: IngestServiceDeps): Promise<IngestService> {
  const now = deps.now ?? Date.now;
  // The rule engine with its ticker, saved states and bus wiring, unless a test injects one.
  const { db, bus, registry, onError } = deps;
  const ruleService = deps.rules ? undefined : await startRuleEngine({ db, bus, registry, now, onError });
  const rules = deps.rules ?? ruleService!.engine;
  const rejects = new RejectCounter();
  const seqs = new SeqBook();
  seqs.load(await loadSeqStates(deps.db));
  const activity = new ActivityBook();
  activity.load(await loadActivities(deps.db));
  const { handover } = deps;
  const journal = new IntentJournal(join(deps.spoolDir, 'intents'), handover !== undefined);
  const leftovers = journal.readLeftovers();
  for (const intent of leftovers) seqs.restoreIntent(intent.stream, intent.deviceId, intent.seq, intent.ts);
  if (leftovers.length > 0)
    deps.log.info({ intents: leftovers.length }, 'restored seqs in flight at the last stop');
  const spool = await Spool.open<StoredItem>(deps.spoolDir, { maxBytes: deps.spoolMaxBytes ?? 1024 ** 3 });
  if (spool.corruptLines > 0)
    deps.log.warn({ lines: spool.corruptLines }, 'skipped torn spool lines (never acknowledged)');
  const statusChanges = new Map<string, { online: boolean; at: number }>();

  const ingest = createIngest({
    store: deps.store,
    spool,
    rules,
    bus: deps.bus,
    rejects,
    seqs,
    activity,
    journal,
    ...(handover ? { handover } : {}),
    now,
    log: deps.log,
    onError: deps.onError,
    ...(deps.maxInFlight ? { maxInFlight: deps.maxInFlight } : {}),
    ...(deps.ackPath ? { ackPath: deps.ackPath } : {}),
    ...(deps.retryMs ? { retryMs: deps.retryMs } : {}),
    ...(deps.storeStallMs ? { storeStallMs: deps.storeStallMs } : {}),
    devices: {
      get: (id) => deps.registry.get(id),
      touch: (id, at) => deps.registry.touch(id, at),
      markOnline(id, online, at) {
        const changed = deps.registry.markOnline(id, online, at);
        if (changed) statusChanges.set(id, { online, at });
        return changed;
      },
    },
  });

  const persist = async () => {
    const changes = [...statusChanges];
    statusChanges.clear();
    for (const [id, { online, at }] of changes) await setDeviceOnline(deps.db, id, online, at);
    // Journal files whose batches have all settled are covered by the seq state saved below.
    const settled = journal.settledFiles();
    const health = { seq: seqs.takeDirty(), activities: activity.takeDirty(), rejects: rejects.drain() };
    try {
      await saveDeviceHealth(deps.db, health, now());
    } catch (error) {
      seqs.markDirty(health.seq);
      activity.markDirty(health.activities.map((a) => a.deviceId));
      rejects.restore(health.rejects);
      throw error;
    }
    const covered = journal.remove(settled);
    if (handover && covered.length > 0) void handover.forget(covered);
    journal.rotate();
  };
  let persisting = Promise.resolve();
  const persistSoon = () =>
    (persisting = persisting
      .then(persist)
      .catch((error: unknown) => deps.onError(error, 'persist device health')));
  const timer = setInterval(() => void persistSoon(), deps.persistEveryMs ?? 1000);
  timer.unref();
  // Ingest knows when each device last reported: it also says when one falls silent.
  const stopReportWatch = startReportWatch({
    devices: () => deps.registry.all(),
    bus,
    now,
    onError,
    ...(deps.reportSweepMs ? { everyMs: deps.reportSweepMs } : {}),
  });
  const stopRetention = deps.retentionDays
    ? startRetention({ store: deps.store, days: deps.retentionDays, now, onError: deps.onError })
    : () => {};

  return {
    ...ingest,
    rules,
    async adoptDevice(deviceId) {
      if (!handover) return;
      // Redis first: a node forgets intents only after saving the state that covers them, so one
      // missing there is in the row read after it.
      const reading = handover
        .intentsOf(deviceId)
        .then(async (intents) => ({ intents, rows: await loadSeqStates(deps.db, deviceId) }));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ADOPT_TIMEOUT_MS);
      });
      const taken = await Promise.race([reading, late]).finally(() => clearTimeout(timer));
      // Too late, the device is let in with what this node holds; the answer is dropped when it
      // comes, since the device may have published (and this node recorded) meanwhile.
      if (!taken) {
        reading.catch(() => undefined);
        throw new Error(`its seq state did not come within ${ADOPT_TIMEOUT_MS} ms`);
      }
      seqs.adopt(deviceId, taken.rows, taken.intents);
    },
    async reloadRules() {
      if (ruleService) return ruleService.reload();
      rules.setRules(await listEnabledRules(deps.db), now());
    },
    async close() {
      clearInterval(timer);
      stopReportWatch();
      stopRetention();
      await ruleService?.close();
      await ingest.close();
      await spool.close();
      await persistSoon();
    },
  };
}
