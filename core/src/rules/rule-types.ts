import type { Severity } from '../model';

/**
 * Rules are declarative JSON (stored, versioned, edited through the API and backtested), so
 * every kind is a plain object with a `kind` tag; `validateRule` checks one from untrusted input.
 */

/** Where a rule applies; every given list must match (an absent list matches everything). */
export interface RuleScope {
  /** Regions of any level: the device's grid must be one of them or lie inside one (subtree). */
  regionIds?: string[];
  deviceIds?: string[];
  /** For kinds without their own `deviceType` (event, offline). */
  deviceTypes?: string[];
}

/** Active time windows in the deployment's local time (China Standard Time unless told). */
export interface RuleSchedule {
  /** Minutes east of UTC; default 480 (UTC+8). */
  utcOffsetMinutes?: number;
  windows: ScheduleWindow[];
}

export interface ScheduleWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday; absent means every day. */
  days?: number[];
  /** `HH:MM`, start inclusive, end exclusive; a window with end ≤ start runs past midnight. */
  start: string;
  end: string;
}

/**
 * Flapping suppression: once a subject has changed state `maxChanges` times within
 * `windowSeconds`, changes *down* (resolve, de-escalate) are held until those changes age out of
 * the window; the latest verdict then goes out. Changes up always go out: a worse risk is never
 * hidden, and a flap back up while held sends nothing at all.
 */
export interface FlappingPolicy {
  maxChanges: number;
  windowSeconds: number;
}

export interface RuleBase {
  id: string;
  name: string;
  category: string;
  scope?: RuleScope;
  schedule?: RuleSchedule;
  flapping?: FlappingPolicy;
}

/** A band of a rule that fires above: the value is strictly above `above`. */
export interface ThresholdBand {
  severity: Severity;
  above: number;
}

/** A band of a rule that fires below (low pressure, low battery): the value is at or below `below`. */
export interface FloorBand {
  severity: Severity;
  below: number;
}

/** Different bands / clear level for the devices of one region's subtree; the nearest region wins. */
export interface ThresholdOverride {
  regionId: string;
  bands: ThresholdBand[];
  clearAtOrBelow: number;
}

/** An override of a rule that fires below. */
export interface FloorOverride {
  regionId: string;
  bands: FloorBand[];
  clearAtOrAbove: number;
}

/** Which side of its bands a threshold rule fires on; `above` when a stored rule names none. */
export type ThresholdDirection = 'above' | 'below';
export const THRESHOLD_DIRECTIONS: readonly ThresholdDirection[] = ['above', 'below'];

interface ThresholdRuleBase extends RuleBase {
  kind: 'threshold';
  deviceType: string;
  metric: string;
  /** Duration: a band fires only after the value has stayed in it this long. */
  forSeconds?: number;
  /** Repeat: a band fires when at least `count` of the last `of` readings were in it. */
  repeat?: { count: number; of: number };
}

/** Fires above its bands (gas, water level, temperature); the graver band starts higher. */
export interface AboveThresholdRule extends ThresholdRuleBase {
  direction?: 'above';
  bands: ThresholdBand[];
  /** Hysteresis: once firing, the rule clears only at or below this value. */
  clearAtOrBelow: number;
  overrides?: ThresholdOverride[];
}

/** Fires at or below its bands (hydrant pressure, battery); the graver band starts lower. */
export interface BelowThresholdRule extends ThresholdRuleBase {
  direction: 'below';
  bands: FloorBand[];
  /** Hysteresis: once firing, the rule clears only at or above this value. */
  clearAtOrAbove: number;
  overrides?: FloorOverride[];
}

export type ThresholdRule = AboveThresholdRule | BelowThresholdRule;

/** Change over a window (e.g. water level rising 0.2 m in 10 min); bands apply to the change. */
export interface RateRule extends RuleBase {
  kind: 'rate';
  deviceType: string;
  metric: string;
  windowSeconds: number;
  /** `rise` (default) measures newest − oldest in the window; `fall` the opposite. */
  direction?: 'rise' | 'fall';
  bands: ThresholdBand[];
  clearAtOrBelow: number;
}

/**
 * Deadman: a device in scope has sent no matching reading for `silentForSeconds`. With `metric`
 * only readings carrying it count, with `equals` only those with that value (a door sensor that
 * has not reported `opened: true` for 24 h → welfare visit).
 */
export interface NoDataRule extends RuleBase {
  kind: 'no_data';
  deviceType: string;
  metric?: string;
  equals?: number | boolean;
  silentForSeconds: number;
  severity: Severity;
}

/** A device reported offline (its last will) and has stayed offline for `forSeconds`. */
export interface OfflineRule extends RuleBase {
  kind: 'offline';
  forSeconds: number;
  severity: Severity;
}

export interface EventRule extends RuleBase {
  kind: 'event';
  eventType: string;
  minConfidence: number;
  severity: Severity;
  /** Fire only after `count` matching events of one device within `withinSeconds`. */
  repeat?: { count: number; withinSeconds: number };
  /** Resolves after this long without a matching event; default 300. */
  clearAfterSeconds?: number;
}

/** One ingredient of a scenario; it is met by a device of the group at some moment. */
export type ScenarioCondition =
  | { deviceType: string; metric: string; above: number }
  | { deviceType: string; metric: string; risesBy: number; withinSeconds: number }
  | { eventType: string; minConfidence?: number };

/**
 * A scenario over different devices of one grid (or community): `all` (AND) or `any` (OR) of the
 * conditions, each met within the last `withinSeconds`. The case goes to the device of the first
 * met condition in the list, so put the most telling condition first.
 */
export interface CompositeRule extends RuleBase {
  kind: 'composite';
  match: 'all' | 'any';
  groupBy: 'grid' | 'community';
  withinSeconds: number;
  conditions: ScenarioCondition[];
  severity: Severity;
}

export type Rule = ThresholdRule | RateRule | NoDataRule | OfflineRule | EventRule | CompositeRule;
export type RuleKind = Rule['kind'];
export const RULE_KINDS: readonly RuleKind[] = [
  'threshold',
  'rate',
  'no_data',
  'offline',
  'event',
  'composite',
];

/** One device observation that contributed to a risk (composite rules list several). */
export interface RiskSource {
  deviceId: string;
  gridId: string;
  at: number;
  metric?: string;
  value?: number;
  eventType?: string;
}

/** What the rule engine emits: state changes only, never a repeat of the same state. */
export interface RiskSignal {
  ruleId: string;
  ruleName: string;
  category: string;
  /** The device the case is raised on (for a scenario: the representative device). */
  deviceId: string;
  gridId: string;
  deviceType: string;
  /** `null` when the risk resolved. */
  severity: Severity | null;
  previousSeverity: Severity | null;
  metric?: string;
  value?: number;
  eventType?: string;
  snapshot?: string;
  at: number;
  /** The observations behind a scenario risk, oldest first. */
  sources?: RiskSource[];
}
