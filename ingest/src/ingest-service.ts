import type { Bus } from '@gridsense/core';
import {
  listEnabledRules,
  recordDeviceRejects,
  setDeviceOnline,
  type DeviceRegistry,
  type StateDb,
} from '@gridsense/state';
import { createIngest, type Ingest } from './ingest-pipeline';
import { RejectCounter } from './reject-counter';
import { RuleEngine } from './rule-engine';
import type { TimeSeriesStore } from './timeseries';

export interface IngestServiceDeps {
  db: StateDb;
  store: TimeSeriesStore;
  registry: DeviceRegistry;
  bus: Bus;
  now?: () => number;
  onError: (error: unknown, context: string) => void;
  /** How often reject counts and device status reach the database. */
  persistEveryMs?: number;
}

export interface IngestService extends Ingest {
  rules: RuleEngine;
  reloadRules(): Promise<void>;
  close(): Promise<void>;
}

/** Ingest wired to state: rules from the database, reject counts and device status persisted. */
export async function createIngestService(deps: IngestServiceDeps): Promise<IngestService> {
  const now = deps.now ?? Date.now;
  const rules = new RuleEngine(await listEnabledRules(deps.db));
  const rejects = new RejectCounter();
  const statusChanges = new Map<string, { online: boolean; at: number }>();

  const ingest = createIngest({
    store: deps.store,
    rules,
    bus: deps.bus,
    rejects,
    now,
    onError: deps.onError,
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
    await recordDeviceRejects(deps.db, rejects.drain());
  };
  let persisting = Promise.resolve();
  const timer = setInterval(() => {
    persisting = persisting
      .then(persist)
      .catch((error: unknown) => deps.onError(error, 'persist device health'));
  }, deps.persistEveryMs ?? 1000);
  timer.unref();

  return {
    ...ingest,
    rules,
    async reloadRules() {
      rules.setRules(await listEnabledRules(deps.db));
    },
    async close() {
      clearInterval(timer);
      await ingest.flush();
      await persisting;
      await persist();
    },
  };
}
