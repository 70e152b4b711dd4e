import type { Severity } from '../model';
import type { RiskSource, Rule } from './rule-types';

/** Rules as the API returns them (shared with the console). */
export interface RuleView {
  rule: Rule;
  enabled: boolean;
  version: number;
  updatedAt: number;
}

export interface RuleVersionView {
  version: number;
  rule: Rule;
  enabled: boolean;
  changedAt: number;
  changedBy: string | null;
  /** Who made the version, by display name (the API fills it in; null for the platform). */
  changedByName?: string | null;
}

export interface BacktestRequest {
  rule: unknown;
  from: number;
  to: number;
}

/** One state change the draft would have made over stored history. */
export interface BacktestTransition {
  at: number;
  deviceId: string;
  gridId: string;
  severity: Severity | null;
  previousSeverity: Severity | null;
  metric?: string;
  value?: number;
  eventType?: string;
  sources?: RiskSource[];
}

export interface BacktestResult {
  from: number;
  to: number;
  /** What was replayed: devices in the rule's scope, their readings and events. */
  devices: number;
  readings: number;
  events: number;
  transitions: BacktestTransition[];
  /** Risks still firing at `to`. */
  firingAtEnd: { deviceId: string; gridId: string; severity: Severity; since: number }[];
}

/**
 * A draft's backtest beside the live version's over the same window and devices, so an engineer
 * sees what the change would change; `live` is null for a rule that does not exist yet.
 */
export interface RuleBacktestView extends BacktestResult {
  live: (BacktestResult & { version: number; enabled: boolean }) | null;
}
