import { CAMERA_EVENT_TYPES, type StandardDeviceType } from '@gridsense/core';
import { chance, pickOne, randomBetween, randomInt, type Random } from './random';

/**
 * What each standard device type reports, tick by tick. Pure: the output depends only on the
 * type, the previous state, the time and the seeded PRNG, so a seed replays the same day.
 */
export type Metrics = Record<string, number | boolean>;

export interface SimulatedEvent {
  type: string;
  confidence: number;
}

export interface BehaviourState {
  /** Time of the previous tick; time-based models (battery drain, door openings) use the gap. */
  ts: number;
  /** The device's normal readings, kept apart from incident values so it recovers to them. */
  baseline: Metrics;
  /** Ticks left in the current incident; 0 means the device is behaving normally. */
  incidentTicksLeft: number;
}

export interface TickInput {
  ts: number;
  random: Random;
  /** Chance that a device not already in an incident starts one on this tick. */
  riskProbability: number;
  /** Starts an incident on this tick whatever the probability (demos and tests). */
  forceIncident?: boolean;
}

export interface TickResult {
  state: BehaviourState;
  /** Telemetry for this tick; absent for event-only types (cameras). */
  metrics?: Metrics;
  /** A discrete event (cameras), only when an incident starts. */
  event?: SimulatedEvent;
  incident: boolean;
}

interface ModelContext {
  ts: number;
  elapsedMs: number;
  random: Random;
  previous: Metrics;
}

interface TelemetryModel {
  kind: 'telemetry';
  normal(ctx: ModelContext): Metrics;
  /** Overrides on top of this tick's normal readings; every value stays in the physical range. */
  incident(ctx: ModelContext, normal: Metrics): Metrics;
}

interface EventModel {
  kind: 'event';
  incidentEvent(random: Random): SimulatedEvent;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Daily cycles follow the deployment's local clock (China Standard Time), not the host's TZ. */
const LOCAL_UTC_OFFSET_MS = 8 * HOUR_MS;
const INCIDENT_TICKS = { min: 3, max: 6 };
const BATTERY_DRAIN_PER_DAY = 0.5;
const DOOR_OPENINGS_PER_DAY = 5;

/** +1 at `peakHour` local time, −1 twelve hours later. */
function dailyCycle(ts: number, peakHour: number): number {
  const hour = ((((ts + LOCAL_UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  return Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/** A bounded random walk, so readings drift like a real sensor instead of jumping every tick. */
function walk(ctx: ModelContext, name: string, min: number, max: number, step: number): number {
  const previous = ctx.previous[name];
  const start = typeof previous === 'number' ? previous : randomBetween(ctx.random, min, max);
  return clamp(start + randomBetween(ctx.random, -step, step), min, max);
}

const around = (ctx: ModelContext, centre: number, spread: number): number =>
  centre + randomBetween(ctx.random, -spread, spread);

const signed = (random: Random, min: number, max: number): number =>
  (chance(random, 0.5) ? 1 : -1) * randomBetween(random, min, max);

const MODELS: Record<StandardDeviceType, TelemetryModel | EventModel> = {
  smoke_detector: {
    kind: 'telemetry',
    normal: (ctx) => {
      const battery =
        typeof ctx.previous.battery === 'number' ? ctx.previous.battery : 70 + 30 * ctx.random();
      return {
        smoke: walk(ctx, 'smoke', 0, 0.5, 0.08),
        temperature: clamp(around(ctx, 20 + 3 * dailyCycle(ctx.ts, 15), 0.3), 15, 25),
        battery: Math.max(0, battery - (BATTERY_DRAIN_PER_DAY * ctx.elapsedMs) / DAY_MS),
      };
    },
    incident: (ctx, normal) => ({
      smoke: randomBetween(ctx.random, 8, 30),
      temperature: Number(normal.temperature) + randomBetween(ctx.random, 5, 25),
    }),
  },
  gas_detector: {
    kind: 'telemetry',
    normal: (ctx) => ({ gas_lel: walk(ctx, 'gas_lel', 0, 3, 0.3) }),
    incident: (ctx) => ({ gas_lel: randomBetween(ctx.random, 25, 60) }),
  },
  electrical_fire: {
    kind: 'telemetry',
    normal: (ctx) => ({
      leakage_current: walk(ctx, 'leakage_current', 5, 60, 4),
      cable_temperature: clamp(around(ctx, 35 + 8 * dailyCycle(ctx.ts, 14), 1), 25, 45),
    }),
    // Leakage also climbs: insulation breakdown is what heats the cable.
    incident: (ctx) => ({
      leakage_current: randomBetween(ctx.random, 300, 800),
      cable_temperature: randomBetween(ctx.random, 80, 110),
    }),
  },
  water_level: {
    kind: 'telemetry',
    normal: (ctx) => ({ level: walk(ctx, 'level', 0.3, 0.6, 0.02) }),
    incident: (ctx) => ({ level: randomBetween(ctx.random, 1.5, 2.5) }),
  },
  manhole_cover: {
    kind: 'telemetry',
    normal: (ctx) => ({ tilt: walk(ctx, 'tilt', 0, 2, 0.2), open: false }),
    incident: (ctx) => ({ tilt: randomBetween(ctx.random, 30, 90), open: true }),
  },
  fire_hydrant: {
    kind: 'telemetry',
    normal: (ctx) => ({ pressure: walk(ctx, 'pressure', 0.25, 0.4, 0.01) }),
    // A pressure collapse: a leak, a broken valve or illegal draw.
    incident: (ctx) => ({ pressure: randomBetween(ctx.random, 0.02, 0.1) }),
  },
  air_quality: {
    kind: 'telemetry',
    normal: (ctx) => {
      const pm25 = clamp(around(ctx, 40 + 18 * dailyCycle(ctx.ts, 8), 5), 5, 80);
      return { pm25, pm10: pm25 * randomBetween(ctx.random, 1.4, 1.8) };
    },
    incident: (ctx) => {
      const pm25 = randomBetween(ctx.random, 250, 500);
      return { pm25, pm10: pm25 * randomBetween(ctx.random, 1.3, 1.6) };
    },
  },
  noise: {
    kind: 'telemetry',
    normal: (ctx) => ({ noise_db: clamp(around(ctx, 57 + 9 * dailyCycle(ctx.ts, 17), 3), 45, 70) }),
    incident: (ctx) => ({ noise_db: randomBetween(ctx.random, 90, 110) }),
  },
  structure_tilt: {
    kind: 'telemetry',
    normal: (ctx) => ({
      tilt_x: walk(ctx, 'tilt_x', -0.5, 0.5, 0.02),
      tilt_y: walk(ctx, 'tilt_y', -0.5, 0.5, 0.02),
    }),
    incident: (ctx) => ({ tilt_x: signed(ctx.random, 3, 8) }),
  },
  elevator: {
    kind: 'telemetry',
    normal: () => ({ fault: false, trapped: false }),
    incident: () => ({ fault: true, trapped: true }),
  },
  door_sensor: {
    kind: 'telemetry',
    normal: (ctx) => {
      // A few openings a day, mostly in daytime; time-based so it holds for any interval.
      const rate = (DOOR_OPENINGS_PER_DAY / DAY_MS) * (1 + dailyCycle(ctx.ts, 12));
      return { opened: chance(ctx.random, 1 - Math.exp(-rate * ctx.elapsedMs)) };
    },
    // The door is reported open on every tick: left open, or someone going in and out at night.
    incident: () => ({ opened: true }),
  },
  camera: {
    kind: 'event',
    incidentEvent: (random) => ({
      type: chance(random, 0.5) ? 'fire_smoke' : pickOne(random, CAMERA_EVENT_TYPES),
      confidence: round(randomBetween(random, 0.8, 0.99), 2),
    }),
  },
};

/** Types this simulator can play: the standard ones (registry-added types have no model here). */
export function isSimulatedType(type: string): type is StandardDeviceType {
  return Object.hasOwn(MODELS, type);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Payloads carry 3 decimals; the baseline keeps full precision so slow drifts still accumulate. */
function roundMetrics(metrics: Metrics): Metrics {
  const rounded: Metrics = {};
  for (const [name, value] of Object.entries(metrics)) {
    rounded[name] = typeof value === 'number' ? round(value, 3) : value;
  }
  return rounded;
}

export function createBehaviourState(type: StandardDeviceType, ts: number, random: Random): BehaviourState {
  const model = MODELS[type];
  const baseline = model.kind === 'telemetry' ? model.normal({ ts, elapsedMs: 0, random, previous: {} }) : {};
  return { ts, baseline, incidentTicksLeft: 0 };
}

/** Advances one device by one tick: normal readings, or an incident for a few ticks, then back. */
export function nextTick(type: StandardDeviceType, previous: BehaviourState, input: TickInput): TickResult {
  const { ts, random } = input;
  const starts =
    input.forceIncident === true ||
    (previous.incidentTicksLeft === 0 && chance(random, input.riskProbability));
  const ticksLeft = starts
    ? randomInt(random, INCIDENT_TICKS.min, INCIDENT_TICKS.max)
    : previous.incidentTicksLeft;
  const incident = ticksLeft > 0;
  const model = MODELS[type];
  const ctx: ModelContext = {
    ts,
    elapsedMs: Math.max(0, ts - previous.ts),
    random,
    previous: previous.baseline,
  };

  if (model.kind === 'event') {
    const state = { ts, baseline: {}, incidentTicksLeft: Math.max(0, ticksLeft - 1) };
    return starts ? { state, event: model.incidentEvent(random), incident } : { state, incident };
  }
  const normal = model.normal(ctx);
  const metrics = incident ? { ...normal, ...model.incident(ctx, normal) } : normal;
  return {
    state: { ts, baseline: normal, incidentTicksLeft: Math.max(0, ticksLeft - 1) },
    metrics: roundMetrics(metrics),
    incident,
  };
}
