import {
  apiText,
  AppError,
  deviceTypeSpec,
  inScope,
  regionLineage,
  type BacktestResult,
  type BacktestTransition,
  type DeviceEvent,
  type Reading,
  type Region,
  type RiskSignal,
  type Rule,
  type ScenarioCondition,
} from '@gridsense/core';
import { RuleEngine, type WatchedDevice } from './rule-engine';
import type { TimeSeriesStore } from './timeseries';

export interface BacktestDeps {
  store: TimeSeriesStore;
  devices: readonly WatchedDevice[];
  regions: readonly Region[];
}

export interface BacktestLimits {
  /** Readings and events replayed at most; a longer history asks for a narrower range. */
  maxItems: number;
  maxDevices: number;
  /** At most this many clock ticks between `from` and `to` (no-data, durations, quiet events). */
  maxTicks: number;
}

const LIMITS: BacktestLimits = { maxItems: 200_000, maxDevices: 2_000, maxTicks: 5_000 };

type Item = { reading: Reading } | { event: DeviceEvent };
const itemTs = (item: Item) => ('reading' in item ? item.reading.ts : item.event.ts);

/**
 * Runs a rule draft over stored history in a private engine, as if it had been live: readings
 * and events in time order, the clock ticking in between. Returns when it would have fired and
 * cleared. Offline rules cannot be replayed: device status history is not stored.
 */
export async function backtestRule(
  rule: Rule,
  range: { from: number; to: number },
  deps: BacktestDeps,
  limits: BacktestLimits = LIMITS,
): Promise<BacktestResult> {
  if (rule.kind === 'offline') throw new AppError('validation_failed', apiText('backtest.offline'));
  if (rule.kind === 'no_data' && rule.metric === undefined && !deviceTypeSpec(rule.deviceType))
    throw new AppError(
      'validation_failed',
      apiText('backtest.noDataNeedsMetric', { deviceType: rule.deviceType }),
    );
  const { from, to } = range;
  const inRuleScope = (device: WatchedDevice) =>
    inScope(rule.scope, {
      deviceId: device.id,
      deviceType: device.type,
      lineage: regionLineage(deps.regions, device.gridId).map((r) => r.id),
    });
  const devices = deps.devices.filter(inRuleScope);
  const items: Item[] = [];
  const touched = new Set<string>();
  const guard = () => {
    if (items.length > limits.maxItems)
      throw new AppError('validation_failed', apiText('backtest.tooManyItems', { max: limits.maxItems }));
  };

  for (const { deviceType, metric } of readingSources(rule)) {
    const ofType = devices.filter((d) => d.type === deviceType);
    if (ofType.length > limits.maxDevices)
      throw new AppError('validation_failed', apiText('backtest.tooManyDevices', { max: limits.maxDevices }));
    for (const device of ofType) {
      const points = await deps.store.readRaw({
        deviceId: device.id,
        metric,
        from,
        to,
        limit: limits.maxItems + 1,
      });
      for (const point of points) {
        const reading = { deviceId: device.id, gridId: device.gridId, deviceType: device.type, ts: point.ts };
        items.push({ reading: { ...reading, metrics: { [metric]: point.value } } });
      }
      if (points.length > 0) touched.add(device.id);
      guard();
    }
  }
  const known = new Set(devices.map((d) => d.id));
  for (const type of eventSources(rule)) {
    const query = { from, to, limit: limits.maxItems + 1 };
    const events = await deps.store.eventsBetween(type === undefined ? query : { ...query, type });
    for (const event of events) {
      if (!known.has(event.deviceId)) continue;
      items.push({ event });
      touched.add(event.deviceId);
    }
    guard();
  }
  items.sort((a, b) => itemTs(a) - itemTs(b));

  const engine = new RuleEngine([rule], { regions: deps.regions, devices: () => devices });
  const signals: RiskSignal[] = [];
  const step = Math.max(1000, Math.ceil((to - from) / limits.maxTicks));
  let nextTick = from;
  const tickUntil = (ts: number) => {
    for (; nextTick <= ts; nextTick += step) signals.push(...engine.tick(nextTick));
  };
  for (const item of items) {
    tickUntil(itemTs(item));
    signals.push(
      ...('reading' in item ? engine.evaluateReading(item.reading) : engine.evaluateEvent(item.event)),
    );
  }
  tickUntil(to);

  const readings = items.filter((i) => 'reading' in i).length;
  return {
    from,
    to,
    devices:
      rule.kind === 'no_data' ? devices.filter((d) => d.type === rule.deviceType).length : touched.size,
    readings,
    events: items.length - readings,
    transitions: signals.map(toTransition),
    firingAtEnd: firingAtEnd(signals),
  };
}

/** The (device type, metric) pairs a rule reads. */
function readingSources(rule: Rule): { deviceType: string; metric: string }[] {
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
      return [{ deviceType: rule.deviceType, metric: rule.metric }];
    case 'no_data': {
      if (rule.metric !== undefined) return [{ deviceType: rule.deviceType, metric: rule.metric }];
      // A deadman on any reading replays every metric the type reports (its events come too).
      const metrics = Object.keys(deviceTypeSpec(rule.deviceType)?.metrics ?? {});
      return metrics.map((metric) => ({ deviceType: rule.deviceType, metric }));
    }
    case 'composite':
      return rule.conditions
        .filter(isReadingCondition)
        .map(({ deviceType, metric }) => ({ deviceType, metric }));
    case 'event':
    case 'offline':
      return [];
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/** Event types a rule listens to; `undefined` stands for any type (a deadman on any message). */
function eventSources(rule: Rule): (string | undefined)[] {
  if (rule.kind === 'event') return [rule.eventType];
  if (rule.kind === 'composite')
    return rule.conditions.flatMap((c) => ('eventType' in c ? [c.eventType] : []));
  if (rule.kind === 'no_data' && rule.metric === undefined) return [undefined];
  return [];
}

function isReadingCondition(c: ScenarioCondition): c is Exclude<ScenarioCondition, { eventType: string }> {
  return !('eventType' in c);
}

function toTransition(signal: RiskSignal): BacktestTransition {
  const {
    ruleId: _id,
    ruleName: _name,
    category: _category,
    deviceType: _type,
    snapshot: _snap,
    ...rest
  } = signal;
  return rest;
}

function firingAtEnd(signals: RiskSignal[]): BacktestResult['firingAtEnd'] {
  const open = new Map<string, BacktestResult['firingAtEnd'][number]>();
  for (const s of signals) {
    if (s.severity === null) open.delete(s.deviceId);
    else
      open.set(s.deviceId, {
        deviceId: s.deviceId,
        gridId: s.gridId,
        severity: s.severity,
        since: open.get(s.deviceId)?.since ?? s.at,
      });
  }
  return [...open.values()];
}
