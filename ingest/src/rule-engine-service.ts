import type { Bus, RiskSignal } from '@gridsense/core';
import {
  listEnabledRules,
  listRegions,
  loadRuleStates,
  saveRuleStates,
  type DeviceRegistry,
  type StateDb,
} from '@gridsense/state';
import { RuleEngine } from './rule-engine';

export interface RuleEngineServiceDeps {
  db: StateDb;
  bus: Bus;
  registry: DeviceRegistry;
  now: () => number;
  onError: (error: unknown, context: string) => void;
  /** How often time moves rules on (durations, no data, offline, quiet events); default 1 s. */
  tickEveryMs?: number;
  /** How often changed rule states reach the database; default 2 s (and always at close). */
  persistEveryMs?: number;
}

export interface RuleEngineService {
  engine: RuleEngine;
  /** Re-reads rules and regions (also on every `rules.changed` bus event). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The rule engine wired to the platform: rules, regions and saved states from the database,
 * a ticker for time-based rules, device status from the bus, and states saved as they change.
 * A crash loses at most the last `persistEveryMs` of state; the worst that does is repeat a
 * signal the case service already folds into the open case.
 */
export async function startRuleEngine(deps: RuleEngineServiceDeps): Promise<RuleEngineService> {
  const engine = new RuleEngine(await listEnabledRules(deps.db), {
    regions: await listRegions(deps.db),
    devices: () => deps.registry.all(),
  });
  engine.loadStates(await loadRuleStates(deps.db));

  const publish = (signals: RiskSignal[]) => {
    for (const signal of signals) {
      deps.bus.publish('risk.changed', signal).catch((error: unknown) => deps.onError(error, 'publish risk'));
    }
  };
  const reload = async () => {
    engine.setRegions(await listRegions(deps.db));
    publish(engine.setRules(await listEnabledRules(deps.db), deps.now()));
  };
  // The bus has no unsubscribe: handlers check this after close.
  let closed = false;
  let persisting = Promise.resolve();
  const persist = () => {
    const { upserts, deletes } = engine.takeChanges(deps.now());
    persisting = persisting
      .then(() => saveRuleStates(deps.db, upserts, deletes))
      .catch((error: unknown) => deps.onError(error, 'save rule states'));
    return persisting;
  };

  await deps.bus.subscribe('rules.changed', () =>
    closed ? undefined : reload().catch((error: unknown) => deps.onError(error, 'reload rules')),
  );
  await deps.bus.subscribe('regions.changed', async () => {
    if (closed) return;
    // A new grid or boundary: rule scopes over communities and streets must include it.
    engine.setRegions(await listRegions(deps.db));
  });
  await deps.bus.subscribe('device.status_changed', (change) => {
    const device = deps.registry.get(change.deviceId);
    if (!device || closed) return;
    const identity = { deviceId: device.id, gridId: device.gridId, deviceType: device.type };
    publish(engine.recordStatus(identity, change.state === 'online', change.at));
  });

  const ticker = setInterval(() => publish(engine.tick(deps.now())), deps.tickEveryMs ?? 1000);
  const saver = setInterval(() => void persist(), deps.persistEveryMs ?? 2000);
  ticker.unref();
  saver.unref();

  return {
    engine,
    reload,
    async close() {
      closed = true;
      clearInterval(ticker);
      clearInterval(saver);
      await persist();
    },
  };
}
