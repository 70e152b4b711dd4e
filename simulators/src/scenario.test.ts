import { buildDemoDistrict } from '@gridsense/state';
import { describe, expect, it } from 'vitest';
import { isSimulatedType } from './device-behaviour';
import { listScenarioNames, resolveScenarioFile } from './provisioning';
import { checkScenario, type PlanDevice } from './scenario-plan';
import { loadScenario, parseDuration, parseScenario, selectDevices } from './scenario';
import { acceleratedStart, createSimClock } from './sim-clock';

const DEMO: PlanDevice[] = buildDemoDistrict().devices.flatMap((d) =>
  isSimulatedType(d.type) ? [{ id: d.id, gridId: d.gridId, type: d.type }] : [],
);

describe('scenario files', () => {
  it.each([
    ['90s', 90_000],
    ['500ms', 500],
    ['10m', 600_000],
    ['1.5h', 5_400_000],
    ['1d', 86_400_000],
    [30, 30_000],
    ['-5m', undefined],
    ['soon', undefined],
    [null, undefined],
  ])('parseDuration(%j) = %j', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it('parses signed durations only when asked', () => {
    expect(parseDuration('-1h', true)).toBe(-3_600_000);
    expect(parseDuration('+10m', true)).toBe(600_000);
  });

  it('lists every problem of a bad scenario at once', () => {
    const result = parseScenario({
      name: 'Bad Name',
      interval: 'often',
      speed: 0,
      steps: [
        { at: 'later', do: 'set', metrics: {} },
        { at: '1s', do: 'explode' },
        { at: '1s', do: 'fault', fault: 'gremlins' },
        { at: '1s', do: 'offline', target: { grids: 'G01' } },
        { at: '1s', do: 'set', metrics: { smoke: { from: 1 } } },
      ],
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    for (const expected of [
      /^name/,
      /^interval/,
      /^speed/,
      /steps\[0\]\.at/,
      /steps\[0\]\.metrics/,
      /steps\[1\]\.do/,
      /steps\[2\]\.fault/,
      /steps\[3\]: offline needs "for"/,
      /steps\[3\]\.target\.grids/,
      /steps\[4\]\.metrics\.smoke/,
    ]) {
      expect(
        errors.some((error) => expected.test(error)),
        String(expected),
      ).toBe(true);
    }
  });

  it('needs a duration to accelerate, and sorts steps by time, file order kept on ties', () => {
    expect(parseScenario({ name: 'x', speed: 10, steps: [] })).toMatchObject({ ok: false });
    const result = parseScenario({
      name: 'x',
      steps: [
        { at: '2m', do: 'clear' },
        { at: '1m', do: 'clear', target: { devices: ['a'] } },
        { at: '1m', do: 'clear', target: { devices: ['b'] } },
      ],
    });
    expect(result.ok && result.scenario.steps.map((s) => [s.atMs, s.target.devices?.[0]])).toEqual([
      [60_000, 'a'],
      [60_000, 'b'],
      [120_000, undefined],
    ]);
  });

  it('selects devices by grid, type and id, in id order, the first n', () => {
    expect(selectDevices(DEMO, { grids: ['G01'], types: ['smoke_detector'] }).map((d) => d.id)).toEqual([
      'smoke-G01-1',
      'smoke-G01-2',
    ]);
    expect(selectDevices(DEMO, { types: ['door_sensor'], count: 2 }).map((d) => d.id)).toEqual([
      'door-G01-8',
      'door-G04-5',
    ]);
    expect(selectDevices(DEMO, { devices: ['nope'] })).toEqual([]);
  });

  it('checks a scenario against the provisioned devices', () => {
    const result = parseScenario({
      name: 'x',
      steps: [
        { at: '0s', do: 'set', target: { devices: ['camera-G01-4'] }, metrics: { smoke: 3 } },
        { at: '0s', do: 'clear', target: { grids: ['G99'] } },
      ],
    });
    if (!result.ok) throw new Error(result.errors.join());
    expect(checkScenario(result.scenario, DEMO)).toEqual([
      'steps[0]: smoke is not a metric of camera (camera-G01-4)',
      'steps[1]: target matches no device',
    ]);
  });

  it('ships the five issue scenarios and a fault tour, each valid for the demo district', async () => {
    const names = await listScenarioNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'fire-in-grid',
        'waterlogging-after-rain',
        'elderly-door-silent',
        'elevator-entrapment',
        'community-power-outage',
        'fault-tour',
      ]),
    );
    for (const name of names) {
      const scenario = await loadScenario(await resolveScenarioFile(name));
      expect(scenario.name).toBe(name);
      expect(checkScenario(scenario, selectDevices(DEMO, scenario.devices))).toEqual([]);
    }
  });
});

describe('simulated clock', () => {
  it.each([
    { speed: 1, durationMs: 3_600_000, start: 1_000_000_000 },
    { speed: 1440, durationMs: 86_400_000, start: 1_000_000_000 - 86_400_000 + 60_000 },
    { speed: 20, durationMs: 7_200_000, start: 1_000_000_000 - 7_200_000 + 360_000 },
  ])('at speed $speed an accelerated run starts so that it ends at the real now', (row) => {
    const realNow = 1_000_000_000;
    expect(acceleratedStart(realNow, row.durationMs, row.speed)).toBe(row.start);
  });

  it('runs `speed` simulated ms per real ms, never ahead of real time when started accelerated', () => {
    let real = 5_000;
    const startMs = acceleratedStart(real, 1_440_000, 1440);
    const clock = createSimClock({ startMs, speed: 1440, realNow: () => real });
    expect(clock.now()).toBe(startMs);
    real += 500;
    expect(clock.now()).toBe(startMs + 720_000);
    expect(clock.realDelayUntil(startMs + 1_440_000)).toBe(500);
    real += 500;
    expect(clock.now()).toBeLessThanOrEqual(real);
    expect(clock.realDelayUntil(startMs)).toBe(0);
  });
});
