import type { Bus, RiskSignal, Rule } from '@gridsense/core';
import { DeviceRegistry, insertDevices, insertRegions, insertRule, type StateDb } from '@gridsense/state';
import { openTestStateDb, stateDialects } from '@gridsense/state/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuleEngine } from './rule-engine-service';

const T0 = Date.UTC(2026, 2, 10, 2);

const SMOKE_RULE = {
  kind: 'threshold',
  id: 'smoke',
  name: '烟雾浓度超限',
  category: 'fire_safety',
  deviceType: 'smoke_detector',
  metric: 'smoke',
  bands: [
    { severity: 'warning', above: 5 },
    { severity: 'critical', above: 10 },
  ],
  clearAtOrBelow: 2,
} as Rule;

/** A bus that keeps the risk signals the engine publishes. */
function recordingBus(signals: RiskSignal[]): Bus {
  return {
    publish: (event, payload) => {
      if (event === 'risk.changed') signals.push(payload as RiskSignal);
      return Promise.resolve();
    },
    subscribe: () => Promise.resolve(),
    subscribeTopic: () => Promise.resolve(() => Promise.resolve()),
    close: () => Promise.resolve(),
  };
}

async function seed(db: StateDb): Promise<void> {
  await insertRegions(db, [{ id: 'G01', level: 'grid', parentId: null, name: '一网格', boundary: null }]);
  await insertDevices(
    db,
    [
      {
        id: 'smoke-1',
        gridId: 'G01',
        type: 'smoke_detector',
        name: '烟感',
        lat: 30.24,
        lng: 120.18,
        secretHash: 'x',
      },
    ],
    T0,
  );
  await insertRule(db, SMOKE_RULE, T0);
}

/** The rule engine's states outlive a restart: a risk already raised is not raised again. */
describe.each(stateDialects())('the rule engine’s saved states (%s)', (dialect) => {
  let db: StateDb | undefined;
  afterEach(async () => db?.destroy());

  /** The engine as a (re)started process has it: rules and states loaded from the database. */
  async function start(db: StateDb) {
    const signals: RiskSignal[] = [];
    const service = await startRuleEngine({
      db,
      bus: recordingBus(signals),
      registry: await DeviceRegistry.load(db),
      now: () => T0,
      onError: (error) => {
        throw error;
      },
      tickEveryMs: 3_600_000,
      persistEveryMs: 3_600_000,
    });
    const smoke = (value: number, at: number) =>
      service.engine.evaluateReading({
        deviceId: 'smoke-1',
        gridId: 'G01',
        deviceType: 'smoke_detector',
        ts: at,
        metrics: { smoke: value },
      });
    return { service, signals, smoke };
  }

  it('restores a raised risk after a restart, and its clearing after the next', async () => {
    db = await openTestStateDb(dialect);
    await seed(db);

    const before = await start(db);
    expect(before.smoke(12, T0).map((s) => s.severity)).toEqual(['critical']);
    await before.service.close();

    const after = await start(db);
    // Still critical from before the restart: nothing new to say.
    expect(after.smoke(12, T0 + 1_000)).toEqual([]);
    expect(after.smoke(1, T0 + 2_000)).toMatchObject([{ severity: null, previousSeverity: 'critical' }]);
    await after.service.close();

    const third = await start(db);
    expect(third.smoke(1, T0 + 3_000)).toEqual([]);
    expect(third.smoke(12, T0 + 4_000).map((s) => s.severity)).toEqual(['critical']);
    await third.service.close();
  });
});
