import {
  CAMERA_EVENT_TYPES,
  STANDARD_DEVICE_TYPE_NAMES,
  STANDARD_DEVICE_TYPES,
  deviceTypeSpec,
  type StandardDeviceType,
} from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { createBehaviourState, nextTick, type Metrics, type TickResult } from './device-behaviour';
import { createRandom } from './random';

const START = Date.parse('2026-11-22T00:00:00+08:00');
const INTERVAL_MS = 5000;
const TICKS_PER_DAY = (24 * 3600 * 1000) / INTERVAL_MS;

/** What "normal" means per metric: numbers within [min, max], booleans equal to the value. */
const NORMAL: Record<string, [number, number] | boolean | 'any'> = {
  smoke: [0, 0.5],
  temperature: [15, 25],
  battery: [0, 100],
  gas_lel: [0, 3],
  leakage_current: [5, 60],
  cable_temperature: [25, 45],
  level: [0.3, 0.6],
  tilt: [0, 2],
  open: false,
  pressure: [0.25, 0.4],
  pm25: [5, 80],
  pm10: [7, 144],
  noise_db: [45, 70],
  tilt_x: [-0.5, 0.5],
  tilt_y: [-0.5, 0.5],
  fault: false,
  trapped: false,
  opened: 'any',
};

function isNormal(name: string, value: number | boolean): boolean {
  const normal = NORMAL[name];
  if (normal === undefined) throw new Error(`no normal band for ${name}`);
  if (normal === 'any') return true;
  if (typeof normal === 'boolean') return value === normal;
  return typeof value === 'number' && value >= normal[0] && value <= normal[1];
}

function run(type: StandardDeviceType, seed: number, ticks: number, riskProbability: number): TickResult[] {
  const random = createRandom(seed);
  let state = createBehaviourState(type, START, random);
  const results: TickResult[] = [];
  for (let i = 1; i <= ticks; i++) {
    const result = nextTick(type, state, { ts: START + i * INTERVAL_MS, random, riskProbability });
    state = result.state;
    results.push(result);
  }
  return results;
}

/** Contract violations of one reading; plain checks, as `expect` per value is slow over days of ticks. */
function contractProblems(type: StandardDeviceType, metrics: Metrics): string[] {
  const specs = deviceTypeSpec(type)?.metrics ?? {};
  const problems: string[] = [];
  const names = Object.keys(metrics).sort().join(',');
  if (names !== Object.keys(specs).sort().join(',')) problems.push(`metrics ${names}`);
  for (const [name, value] of Object.entries(metrics)) {
    const spec = specs[name];
    if (!spec || typeof value !== spec.kind) problems.push(`${name}=${String(value)} has the wrong kind`);
    else if (
      typeof value === 'number' &&
      !(value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity))
    ) {
      problems.push(`${name}=${value} outside ${spec.min}–${spec.max}`);
    }
  }
  return problems;
}

function abnormal(metrics: Metrics | undefined): string[] {
  return Object.entries(metrics ?? {})
    .filter(([name, value]) => !isNormal(name, value))
    .map(([name, value]) => `${name}=${String(value)}`);
}

const telemetryTypes = STANDARD_DEVICE_TYPE_NAMES.filter((type) => type !== 'camera');

describe('device behaviour', () => {
  it.each(telemetryTypes)('%s stays within the contract ranges over two days with incidents', (type) => {
    const results = run(type, 7, 2 * TICKS_PER_DAY, 0.01);
    expect(results.some((result) => result.incident)).toBe(true);
    expect(results.filter((result) => result.event || !result.metrics)).toEqual([]);
    expect(results.flatMap((result) => contractProblems(type, result.metrics ?? {}))).toEqual([]);
  });

  it.each(telemetryTypes)('%s stays within its normal band when no incident happens', (type) => {
    const results = run(type, 11, TICKS_PER_DAY, 0);
    expect(results.filter((result) => result.incident)).toEqual([]);
    expect(results.flatMap((result) => abnormal(result.metrics))).toEqual([]);
  });

  it('cameras publish events only, and only during incidents', () => {
    const results = run('camera', 3, TICKS_PER_DAY, 0.005);
    const events = results.flatMap((result) => (result.event ? [result.event] : []));
    expect(results.every((result) => result.metrics === undefined)).toBe(true);
    expect(results.filter((result) => !result.incident).every((result) => !result.event)).toBe(true);
    expect(events.length).toBeGreaterThan(5);
    for (const event of events) {
      expect(CAMERA_EVENT_TYPES).toContain(event.type);
      expect(event.confidence).toBeGreaterThanOrEqual(0.8);
      expect(event.confidence).toBeLessThanOrEqual(0.99);
    }
    expect(STANDARD_DEVICE_TYPES.camera.metrics).toEqual({});
  });

  it.each(STANDARD_DEVICE_TYPE_NAMES)('%s is deterministic for a given seed', (type) => {
    expect(run(type, 42, 2000, 0.01)).toEqual(run(type, 42, 2000, 0.01));
  });

  it('different seeds give different readings', () => {
    expect(run('smoke_detector', 1, 50, 0)).not.toEqual(run('smoke_detector', 2, 50, 0));
  });

  it.each(STANDARD_DEVICE_TYPE_NAMES)('a forced %s incident is out of normal, in range, and ends', (type) => {
    const random = createRandom(5);
    let state = createBehaviourState(type, START, random);
    const results: TickResult[] = [];
    for (let i = 1; i <= 20; i++) {
      const result = nextTick(type, state, {
        ts: START + i * INTERVAL_MS,
        random,
        riskProbability: 0,
        forceIncident: i === 2,
      });
      state = result.state;
      results.push(result);
    }
    const incidentTicks = results.filter((result) => result.incident);
    expect(incidentTicks.length).toBeGreaterThanOrEqual(3);
    expect(incidentTicks.length).toBeLessThanOrEqual(6);
    expect(results[1]?.incident).toBe(true);
    expect(results.at(-1)?.incident).toBe(false);
    if (type === 'camera') {
      expect(results.filter((result) => result.event)).toHaveLength(1);
      expect(results[1]?.event).toBeDefined();
      return;
    }
    for (const result of incidentTicks) {
      const metrics = result.metrics ?? {};
      expect(contractProblems(type, metrics)).toEqual([]);
      if (type === 'door_sensor') expect(metrics.opened).toBe(true);
      else expect(abnormal(metrics)).not.toEqual([]);
    }
    expect(
      results.filter((result) => !result.incident).flatMap((result) => abnormal(result.metrics)),
    ).toEqual([]);
  });

  it('the smoke detector drains its battery and follows a daily temperature cycle', () => {
    const results = run('smoke_detector', 9, 4 * TICKS_PER_DAY, 0);
    const at = (tick: number): Metrics => results[tick]?.metrics ?? {};
    expect(Number(at(results.length - 1).battery)).toBeLessThan(Number(at(0).battery) - 1.5);
    const afternoon = at((15 * TICKS_PER_DAY) / 24); // 15:00 local, the peak
    const night = at((3 * TICKS_PER_DAY) / 24); // 03:00 local, the trough
    expect(Number(afternoon.temperature)).toBeGreaterThan(Number(night.temperature) + 4);
  });

  it('the door sensor opens a few times a day', () => {
    const perDay = [1, 2, 3].map(
      (seed) => run('door_sensor', seed, TICKS_PER_DAY, 0).filter((result) => result.metrics?.opened).length,
    );
    for (const openings of perDay) {
      expect(openings).toBeGreaterThanOrEqual(1);
      expect(openings).toBeLessThanOrEqual(15);
    }
  });
});
