import { conditionKey, type Rule, type RuleScope } from '@gridsense/core';
import type { RuleSlot } from './rule-engine-state';

/** One way a rule listens: the rule (with its states), and for a scenario which condition. */
export interface RuleEntry {
  slot: RuleSlot;
  /** Index of the composite condition; -1 for the other kinds. */
  condition: number;
  /** Lookup generation that last returned this entry (dedupes a rule scoped to a region and its parent). */
  seen: number;
}

interface Bucket {
  all: RuleEntry[];
  byRegion: Map<string, RuleEntry[]>;
  byDevice: Map<string, RuleEntry[]>;
}

/** What a device message offers to the index. */
export const readingKey = (deviceType: string, metric: string): string =>
  `m\u0000${deviceType}\u0000${metric}`;
export const deviceKey = (deviceType: string): string => `d\u0000${deviceType}`;
export const eventKey = (eventType: string): string => `e\u0000${eventType}`;
const ANY_DEVICE = deviceKey('*');

/**
 * Rules indexed first by what they listen to (device type + metric, device type, event type),
 * then by scope (device list, region, or everywhere). A lookup walks the device's own list, its
 * grid's lineage and the unscoped list, so its cost grows with the rules that can match, not
 * with all rules: 10,000 per-grid rules cost a reading what the few of its own grid cost.
 */
export class RuleIndex {
  private buckets = new Map<string, Bucket>();
  private generation = 0;

  constructor(slots: Iterable<RuleSlot>) {
    for (const slot of slots) {
      for (const [key, condition] of listenKeys(slot.rule))
        this.add(key, { slot, condition, seen: 0 }, slot.rule.scope);
    }
  }

  /** Calls `visit` once per entry under `keys` whose scope can include this device. */
  forEach(
    keys: readonly string[],
    deviceId: string,
    lineage: readonly string[],
    visit: (entry: RuleEntry) => void,
  ) {
    const generation = ++this.generation;
    for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (!bucket) continue;
      visitUnseen(bucket.all, generation, visit);
      visitUnseen(bucket.byDevice.get(deviceId), generation, visit);
      for (const regionId of lineage) visitUnseen(bucket.byRegion.get(regionId), generation, visit);
    }
  }

  private add(key: string, entry: RuleEntry, scope: RuleScope | undefined): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { all: [], byRegion: new Map(), byDevice: new Map() }));
    // The most selective list wins; the full scope is checked again when the entry is visited.
    if (scope?.deviceIds) for (const id of scope.deviceIds) push(bucket.byDevice, id, entry);
    else if (scope?.regionIds) for (const id of scope.regionIds) push(bucket.byRegion, id, entry);
    else bucket.all.push(entry);
  }
}

/** Visits each entry not yet seen in this generation (a module function: no closure per reading). */
function visitUnseen(
  entries: RuleEntry[] | undefined,
  generation: number,
  visit: (entry: RuleEntry) => void,
): void {
  if (!entries) return;
  for (const entry of entries) {
    if (entry.seen === generation) continue;
    entry.seen = generation;
    visit(entry);
  }
}

/** The index keys a rule listens under, each with its composite condition (or -1). */
function listenKeys(rule: Rule): [string, number][] {
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
      return [[readingKey(rule.deviceType, rule.metric), -1]];
    case 'no_data':
      return [
        [
          rule.metric === undefined ? deviceKey(rule.deviceType) : readingKey(rule.deviceType, rule.metric),
          -1,
        ],
      ];
    case 'offline':
      return rule.scope?.deviceTypes
        ? rule.scope.deviceTypes.map((t) => [deviceKey(t), -1])
        : [[ANY_DEVICE, -1]];
    case 'event':
      return [[eventKey(rule.eventType), -1]];
    case 'composite':
      return rule.conditions.map((condition, i) => {
        const key = conditionKey(condition);
        return ['eventType' in key ? eventKey(key.eventType) : readingKey(key.deviceType, key.metric), i];
      });
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/**
 * The keys of each device type, built once: a key built per reading was a fresh string to hash
 * at every lookup. Bounded (types and metric names come from devices).
 */
const KEYS_KEPT = 1_000;
const keysByType = new Map<string, { device: string; byMetric: Map<string, string> }>();

function keysOf(deviceType: string) {
  let keys = keysByType.get(deviceType);
  if (!keys) {
    if (keysByType.size >= KEYS_KEPT) keysByType.clear();
    keysByType.set(deviceType, (keys = { device: deviceKey(deviceType), byMetric: new Map() }));
  }
  return keys;
}

/** Keys a reading of this device offers: each metric, plus "any message" of its type. */
export function readingKeys(deviceType: string, metrics: Record<string, unknown>): string[] {
  const { device, byMetric } = keysOf(deviceType);
  const keys = [device, ANY_DEVICE];
  for (const metric in metrics) {
    let key = byMetric.get(metric);
    if (key === undefined) {
      key = readingKey(deviceType, metric);
      if (byMetric.size < KEYS_KEPT) byMetric.set(metric, key);
    }
    keys.push(key);
  }
  return keys;
}

export function eventKeys(deviceType: string, eventType: string): string[] {
  return [deviceKey(deviceType), ANY_DEVICE, eventKey(eventType)];
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
