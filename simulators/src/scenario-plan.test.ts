import { buildDemoDistrict } from '@gridsense/state';
import { deviceTypeSpec } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { isSimulatedType } from './device-behaviour';
import { resolveScenarioFile } from './provisioning';
import { createPlan, type PlanDevice, type PlannedAction } from './scenario-plan';
import { loadScenario, parseScenario, selectDevices, type Scenario } from './scenario';

const DEMO: PlanDevice[] = buildDemoDistrict().devices.flatMap((d) =>
  isSimulatedType(d.type) ? [{ id: d.id, gridId: d.gridId, type: d.type }] : [],
);
const START = Date.parse('2026-11-22T08:00:00+08:00');
const FIRST_SEQ = 1000;

type Publish = Extract<PlannedAction, { kind: 'publish' }>;
interface Body {
  ts?: number;
  seq?: number;
  metrics?: Record<string, number | boolean>;
  readings?: Body[];
  type?: string;
}

function play(
  scenario: Scenario,
  seed = 7,
  devices = selectDevices(DEMO, scenario.devices),
): PlannedAction[] {
  const plan = createPlan({
    devices,
    scenario,
    seed,
    startMs: START,
    firstSeq: FIRST_SEQ,
    activeFromStart: true,
  });
  const actions: PlannedAction[] = [];
  for (let at = plan.nextAt(); at !== undefined; at = plan.nextAt()) actions.push(...plan.takeDue(at));
  return actions;
}

const shipped = async (name: string) => loadScenario(await resolveScenarioFile(name));
const publishes = (actions: PlannedAction[], deviceId: string, kind = 'telemetry'): Publish[] =>
  actions.filter(
    (a): a is Publish => a.kind === 'publish' && a.deviceId === deviceId && a.topic.endsWith(kind),
  );
const body = (action: Publish): Body => JSON.parse(action.payload) as Body;
const metric = (action: Publish, name: string) => body(action).metrics?.[name];

function inline(steps: unknown[], extra: Record<string, unknown> = {}): Scenario {
  const result = parseScenario({ name: 'inline', interval: '5s', duration: '2m', steps, ...extra });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.scenario;
}

describe('scenario plan', () => {
  it.each([
    'fire-in-grid',
    'waterlogging-after-rain',
    'elderly-door-silent',
    'elevator-entrapment',
    'community-power-outage',
    'fault-tour',
  ])('%s replays identically for a seed, differently for another', async (name) => {
    const scenario = await shipped(name);
    const first = play(scenario, 42);
    expect(first.length).toBeGreaterThan(10);
    expect(play(scenario, 42)).toEqual(first);
    expect(play(scenario, 43)).not.toEqual(first);
    // Everything happens inside the scenario's simulated window, in time order.
    const times = first.map((a) => a.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(START + (scenario.durationMs ?? 0));
  });

  it('fire: the cable heats first, smoke crosses the rule thresholds, the camera sees fire, then all clears', async () => {
    const actions = play(await shipped('fire-in-grid'));
    const at = (a: Publish) => a.at - START;
    const cable = publishes(actions, 'electrical-G01-3');
    const smoke = publishes(actions, 'smoke-G01-1');
    const firstAbove = (list: Publish[], name: string, level: number) =>
      list.find((a) => Number(metric(a, name)) > level);
    expect(at(firstAbove(cable, 'cable_temperature', 70)!)).toBeLessThan(at(firstAbove(smoke, 'smoke', 5)!));
    expect(firstAbove(smoke, 'smoke', 10)).toBeDefined();
    const events = publishes(actions, 'camera-G01-4', 'event').map((a) => [at(a), body(a).type]);
    expect(events).toEqual([
      [120_000, 'fire_smoke'],
      [150_000, 'fire_smoke'],
    ]);
    const afterClear = smoke.filter((a) => at(a) >= 215_000);
    expect(afterClear.length).toBeGreaterThan(0);
    expect(afterClear.every((a) => Number(metric(a, 'smoke')) < 1)).toBe(true);
    // Every value stays in its physical range: a fire is a risk, not bad data.
    for (const action of [...cable, ...smoke]) {
      for (const [name, value] of Object.entries(body(action).metrics ?? {})) {
        const spec =
          deviceTypeSpec('smoke_detector')?.metrics[name] ?? deviceTypeSpec('electrical_fire')?.metrics[name];
        if (typeof value === 'number' && spec?.max !== undefined) expect(value).toBeLessThanOrEqual(spec.max);
      }
    }
  });

  it('elderly door: one door stays shut for 25 hours while the others open', async () => {
    const scenario = await shipped('elderly-door-silent');
    const actions = play(scenario);
    const silent = publishes(actions, 'door-G01-8');
    const dayLong = silent.filter((a) => a.at - START < 25 * 3_600_000);
    expect(dayLong.length).toBe(300); // a reading every 5 minutes for 25 hours
    expect(dayLong.every((a) => metric(a, 'opened') === false)).toBe(true);
    expect(silent.some((a) => metric(a, 'opened') === true)).toBe(true);
    const others = selectDevices(DEMO, scenario.devices).filter((d) => d.id !== 'door-G01-8');
    for (const door of others)
      expect(publishes(actions, door.id).some((a) => metric(a, 'opened') === true)).toBe(true);
  });

  it('power outage: devices drop, buffer, come back together and send one batch with every reading', async () => {
    const actions = play(await shipped('community-power-outage'));
    const g01 = selectDevices(DEMO, { grids: ['G01'] }).filter((d) => d.type !== 'camera');
    const drops = actions.filter((a) => a.kind === 'drop').map((a) => [a.deviceId, a.at - START]);
    expect(drops).toHaveLength(selectDevices(DEMO, { grids: ['G01', 'G02', 'G03'] }).length);
    expect(new Set(drops.map(([, at]) => at))).toEqual(new Set([60_000]));
    for (const device of g01) {
      const sent = publishes(actions, device.id);
      expect(sent.filter((a) => a.at - START > 60_000 && a.at - START < 360_000)).toEqual([]);
      const batch = sent.find((a) => a.readings > 1)!;
      expect(batch.at - START).toBe(360_000);
      const readings = body(batch).readings ?? [];
      expect(readings).toHaveLength(batch.readings);
      expect(readings.length).toBeGreaterThanOrEqual(59);
      // No gaps: seq continues across the outage, so the platform counts no loss.
      const seqs = sent
        .flatMap((a) => (a.readings > 1 ? (body(a).readings ?? []) : [body(a)]))
        .map((b) => b.seq);
      expect(seqs).toEqual(seqs.map((_, i) => FIRST_SEQ + i));
    }
    const g04 = publishes(actions, 'smoke-G04-1');
    expect(g04.filter((a) => a.at - START > 60_000 && a.at - START < 360_000).length).toBeGreaterThan(50);
  });

  const faultCases: [string, Record<string, unknown>, (sent: Publish[], normal: Publish[]) => void][] = [
    ['stuck', {}, (sent) => expect(new Set(sent.map((a) => JSON.stringify(body(a).metrics))).size).toBe(1)],
    [
      'spike',
      { every: 2 },
      (sent, normal) => {
        expect(Number(metric(sent[0]!, 'smoke'))).toBeGreaterThan(50);
        expect(metric(sent[1]!, 'smoke')).toBe(metric(normal[1]!, 'smoke'));
      },
    ],
    ['out_of_range', {}, (sent) => expect(sent.every((a) => Number(metric(a, 'smoke')) > 100)).toBe(true)],
    ['malformed_json', {}, (sent) => expect(() => JSON.parse(sent[0]!.payload) as unknown).toThrow()],
    [
      'wrong_topic',
      {},
      (sent) => expect(sent[0]).toMatchObject({ topic: 'gs/v1/G00/smoke-G01-1/telemetry', qos: 0 }),
    ],
    [
      'duplicate_seq',
      {},
      (sent, normal) => {
        expect(sent).toHaveLength(normal.length * 2);
        expect(sent[0]!.payload).toBe(sent[1]!.payload);
      },
    ],
    [
      'clock_skew',
      { skew: '+10m' },
      (sent, normal) => expect(body(sent[0]!).ts).toBe((body(normal[0]!).ts ?? 0) + 600_000),
    ],
  ];

  it.each(faultCases)('fault %s shapes the messages while active, and only then', (fault, extra, check) => {
    const target = { devices: ['smoke-G01-1'] };
    const devices = selectDevices(DEMO, target);
    const normal = publishes(play(inline([]), 7, devices), 'smoke-G01-1');
    const faulty = play(
      inline([{ at: '30s', do: 'fault', fault, target, for: '30s', ...extra }]),
      7,
      devices,
    );
    const inWindow = (list: Publish[]) => list.filter((a) => a.at - START >= 30_000 && a.at - START < 60_000);
    const sent = publishes(faulty, 'smoke-G01-1').filter((a) => !a.topic.startsWith('gs/v1/G00'));
    const all = fault === 'wrong_topic' ? publishes(faulty, 'smoke-G01-1') : sent;
    check(inWindow(all), inWindow(normal));
    const outside = (list: Publish[]) => list.filter((a) => a.at - START < 30_000 || a.at - START >= 60_000);
    expect(outside(all).map((a) => a.payload)).toEqual(outside(normal).map((a) => a.payload));
  });

  it('a reconnect storm drops and restores every target at once, every period', () => {
    const target = { grids: ['G01'] };
    const actions = play(
      inline([{ at: '10s', do: 'fault', fault: 'reconnect_storm', every: 20, for: '60s', target }]),
    );
    const storms = actions.filter((a) => a.kind !== 'publish');
    const g01 = selectDevices(DEMO, target).length;
    expect(storms).toHaveLength(3 * 2 * g01);
    expect([...new Set(storms.map((a) => a.at - START))]).toEqual([10_000, 30_000, 50_000]);
    expect(storms.slice(0, 2 * g01).map((a) => a.kind)).toEqual([
      ...Array<string>(g01).fill('drop'),
      ...Array<string>(g01).fill('restore'),
    ]);
  });

  it('inactive devices (not connected yet) do not tick; triggerRisk forces an incident', () => {
    const devices = selectDevices(DEMO, { devices: ['smoke-G01-1', 'smoke-G01-2'] });
    const plan = createPlan({
      devices,
      scenario: inline([], { duration: undefined }),
      seed: 1,
      startMs: START,
      firstSeq: 0,
      activeFromStart: false,
    });
    plan.activate('smoke-G01-2');
    expect(plan.takeDue(START + 10_000).map((a) => a.deviceId)).toEqual(['smoke-G01-2', 'smoke-G01-2']);
    plan.activate('smoke-G01-1');
    plan.triggerRisk('smoke-G01-1');
    const due = plan.takeDue(START + 15_000) as Publish[];
    expect(due.map((a) => [a.deviceId, a.at - START])).toEqual([
      ['smoke-G01-2', 12_500],
      ['smoke-G01-1', 15_000],
    ]);
    const next = due[1];
    expect(Number(metric(next!, 'smoke'))).toBeGreaterThanOrEqual(8);
    expect(body(next!).seq).toBe(0);
    expect(() => plan.triggerRisk('nope')).toThrow(/unknown device/);
    expect(plan.endMs).toBeUndefined();
  });
});
