/**
 * Scenario files: what happens where and when. A scenario is data (JSON), checked here once,
 * every problem listed, before any device connects; `scenario-plan.ts` turns it into messages.
 */
import { readFile } from 'node:fs/promises';

export const FAULT_KINDS = [
  'stuck',
  'spike',
  'out_of_range',
  'malformed_json',
  'wrong_topic',
  'duplicate_seq',
  'clock_skew',
  'reconnect_storm',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Which provisioned devices a step applies to; every given field must match (AND). */
export interface Target {
  grids?: string[];
  types?: string[];
  devices?: string[];
  /** Only the first n matches, by device id (deterministic). */
  count?: number;
}

/** A constant, or a linear ramp from `from` to `to` over `overMs`, then held at `to`. */
export type MetricSetting = number | boolean | { from: number; to: number; overMs: number };

interface StepBase {
  atMs: number;
  target: Target;
}
export type Step =
  | (StepBase & { do: 'set'; metrics: Record<string, MetricSetting>; forMs?: number })
  | (StepBase & { do: 'clear' })
  | (StepBase & { do: 'event'; event: { type: string; confidence?: number; attributes?: object } })
  | (StepBase & { do: 'offline'; forMs: number })
  | (StepBase & { do: 'fault'; fault: FaultKind; forMs: number; everyN: number; skewMs: number });

export interface Scenario {
  name: string;
  title: string;
  /** Simulated time between two readings of one device. */
  intervalMs: number;
  /** Simulated length; undefined runs until stopped. */
  durationMs: number | undefined;
  /** Time acceleration: simulated ms per real ms. */
  speed: number;
  /** Chance per device per tick of a random incident on top of the script (default none). */
  riskProbability: number;
  /** Which provisioned devices take part (default all). */
  devices: Target;
  steps: Step[];
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^([+-]?\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** "90s", "10m", "1.5h", "1d", "500ms" or a number of seconds; signed when `signed`. */
export function parseDuration(value: unknown, signed = false): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value * 1000;
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (match) ms = Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
  if (ms === undefined || (!signed && ms < 0)) return undefined;
  return Math.round(ms);
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function parseTarget(raw: unknown, where: string, errors: string[]): Target {
  if (raw === undefined) return {};
  if (!isObject(raw)) {
    errors.push(`${where}: target must be an object`);
    return {};
  }
  const target: Target = {};
  for (const key of ['grids', 'types', 'devices'] as const) {
    if (raw[key] === undefined) continue;
    if (isStringList(raw[key])) target[key] = raw[key];
    else errors.push(`${where}.${key} must be a list of strings`);
  }
  if (raw.count !== undefined) {
    if (Number.isInteger(raw.count) && Number(raw.count) >= 1) target.count = Number(raw.count);
    else errors.push(`${where}.count must be an integer ≥ 1`);
  }
  return target;
}

function parseSetting(raw: unknown, where: string, errors: string[]): MetricSetting | undefined {
  if (typeof raw === 'boolean' || (typeof raw === 'number' && Number.isFinite(raw))) return raw;
  if (isObject(raw) && typeof raw.from === 'number' && typeof raw.to === 'number') {
    const overMs = parseDuration(raw.over);
    if (overMs !== undefined && overMs > 0) return { from: raw.from, to: raw.to, overMs };
  }
  errors.push(`${where} must be a number, a boolean or {from, to, over}`);
  return undefined;
}

function parseStep(raw: unknown, index: number, errors: string[]): Step | undefined {
  const where = `steps[${index}]`;
  if (!isObject(raw)) {
    errors.push(`${where} must be an object`);
    return undefined;
  }
  const atMs = parseDuration(raw.at);
  if (atMs === undefined) errors.push(`${where}.at must be a duration like "90s" or "2h"`);
  const target = parseTarget(raw.target, `${where}.target`, errors);
  const base = { atMs: atMs ?? 0, target };
  const forMs = raw.for === undefined ? undefined : parseDuration(raw.for);
  if (raw.for !== undefined && forMs === undefined) errors.push(`${where}.for must be a duration`);
  switch (raw.do) {
    case 'set': {
      if (!isObject(raw.metrics) || Object.keys(raw.metrics).length === 0) {
        errors.push(`${where}.metrics must be a non-empty object`);
        return undefined;
      }
      const metrics: Record<string, MetricSetting> = {};
      for (const [name, value] of Object.entries(raw.metrics)) {
        const setting = parseSetting(value, `${where}.metrics.${name}`, errors);
        if (setting !== undefined) metrics[name] = setting;
      }
      return { ...base, do: 'set', metrics, ...(forMs === undefined ? {} : { forMs }) };
    }
    case 'clear':
      return { ...base, do: 'clear' };
    case 'event': {
      const event = raw.event;
      if (!isObject(event) || typeof event.type !== 'string') {
        errors.push(`${where}.event must be an object with a type`);
        return undefined;
      }
      const { confidence, attributes } = event;
      if (confidence !== undefined && typeof confidence !== 'number')
        errors.push(`${where}.event.confidence must be a number`);
      if (attributes !== undefined && !isObject(attributes))
        errors.push(`${where}.event.attributes must be an object`);
      return {
        ...base,
        do: 'event',
        event: {
          type: event.type,
          ...(typeof confidence === 'number' ? { confidence } : {}),
          ...(isObject(attributes) ? { attributes } : {}),
        },
      };
    }
    case 'offline':
      if (forMs === undefined) errors.push(`${where}: offline needs "for"`);
      return { ...base, do: 'offline', forMs: forMs ?? 0 };
    case 'fault': {
      const fault = raw.fault;
      if (!FAULT_KINDS.includes(fault as FaultKind)) {
        errors.push(`${where}.fault must be one of ${FAULT_KINDS.join(', ')}`);
        return undefined;
      }
      // For storms, `every` is the seconds between two storms; otherwise every n-th message.
      const everyN = raw.every === undefined ? (fault === 'reconnect_storm' ? 10 : 1) : Number(raw.every);
      if (!Number.isInteger(everyN) || everyN < 1) errors.push(`${where}.every must be an integer ≥ 1`);
      const skewMs = raw.skew === undefined ? 600_000 : parseDuration(raw.skew, true);
      if (skewMs === undefined) errors.push(`${where}.skew must be a signed duration like "+10m"`);
      return {
        ...base,
        do: 'fault',
        fault: fault as FaultKind,
        forMs: forMs ?? Number.POSITIVE_INFINITY,
        everyN,
        skewMs: skewMs ?? 0,
      };
    }
    default:
      errors.push(`${where}.do must be set, clear, event, offline or fault`);
      return undefined;
  }
}

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

/** Validates a parsed scenario file, listing every problem at once. */
export function parseScenario(input: unknown): ScenarioResult {
  if (!isObject(input)) return { ok: false, errors: ['a scenario must be a JSON object'] };
  const errors: string[] = [];
  if (typeof input.name !== 'string' || !/^[a-z0-9-]{1,64}$/.test(input.name))
    errors.push('name must be lower-case letters, digits and dashes');
  const intervalMs = parseDuration(input.interval ?? '5s');
  if (intervalMs === undefined || intervalMs < 1) errors.push('interval must be a duration ≥ 1ms');
  const durationMs = input.duration === undefined ? undefined : parseDuration(input.duration);
  if (input.duration !== undefined && !durationMs) errors.push('duration must be a positive duration');
  const speed = input.speed === undefined ? 1 : Number(input.speed);
  if (!(Number.isFinite(speed) && speed > 0)) errors.push('speed must be a positive number');
  if (speed > 1 && durationMs === undefined)
    errors.push('an accelerated scenario (speed > 1) needs a duration: its clock ends at the real now');
  const risk = input.riskProbability === undefined ? 0 : Number(input.riskProbability);
  if (!(risk >= 0 && risk <= 1)) errors.push('riskProbability must be 0–1');
  if (!Array.isArray(input.steps)) errors.push('steps must be a list');
  const steps = (Array.isArray(input.steps) ? input.steps : [])
    .map((raw, index) => parseStep(raw, index, errors))
    .filter((step): step is Step => step !== undefined);
  const devices = parseTarget(input.devices, 'devices', errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    scenario: {
      name: String(input.name),
      title: typeof input.title === 'string' ? input.title : String(input.name),
      intervalMs: intervalMs ?? 5000,
      durationMs,
      speed,
      riskProbability: risk,
      devices,
      // Stable order: by time, file order within the same instant.
      steps: steps
        .map((step, index) => ({ step, index }))
        .sort((a, b) => a.step.atMs - b.step.atMs || a.index - b.index)
        .map(({ step }) => step),
    },
  };
}

export async function loadScenario(file: string): Promise<Scenario> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const result = parseScenario(parsed);
  if (!result.ok) throw new Error(`${file}:\n  ${result.errors.join('\n  ')}`);
  return result.scenario;
}

/** The devices a target selects, in id order. */
export function selectDevices<D extends { id: string; gridId: string; type: string }>(
  devices: readonly D[],
  target: Target,
): D[] {
  const matches = devices
    .filter(
      (device) =>
        (!target.grids || target.grids.includes(device.gridId)) &&
        (!target.types || target.types.includes(device.type)) &&
        (!target.devices || target.devices.includes(device.id)),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return target.count === undefined ? matches : matches.slice(0, target.count);
}
