import {
  evaluateEventRule,
  evaluateThreshold,
  type DeviceEvent,
  type EventRule,
  type Reading,
  type RiskSignal,
  type Rule,
  type Severity,
  type ThresholdRule,
} from '@gridsense/core';

/**
 * Matches readings and events against the rules that can apply to them. Rules are indexed by
 * (device type, metric) and by event type, so the cost of a reading grows with the rules that
 * can match it, not with all rules. Holds each (rule, device) severity to emit changes only.
 */
export class RuleEngine {
  private thresholdIndex = new Map<string, ThresholdRule[]>();
  private eventIndex = new Map<string, EventRule[]>();
  private readonly severities = new Map<string, Severity>();

  constructor(rules: Rule[] = []) {
    this.setRules(rules);
  }

  setRules(rules: Rule[]): void {
    this.thresholdIndex = new Map();
    this.eventIndex = new Map();
    for (const rule of rules) {
      if (rule.kind === 'threshold')
        push(this.thresholdIndex, `${rule.deviceType}\u0000${rule.metric}`, rule);
      else push(this.eventIndex, rule.eventType, rule);
    }
  }

  evaluateReading(reading: Reading): RiskSignal[] {
    const signals: RiskSignal[] = [];
    for (const metric of Object.keys(reading.metrics)) {
      for (const rule of this.thresholdIndex.get(`${reading.deviceType}\u0000${metric}`) ?? []) {
        const key = `${rule.id}\u0000${reading.deviceId}`;
        const signal = evaluateThreshold(rule, reading, this.severities.get(key) ?? null);
        if (!signal) continue;
        if (signal.severity === null) this.severities.delete(key);
        else this.severities.set(key, signal.severity);
        signals.push(signal);
      }
    }
    return signals;
  }

  evaluateEvent(event: DeviceEvent): RiskSignal[] {
    const signals: RiskSignal[] = [];
    for (const rule of this.eventIndex.get(event.type) ?? []) {
      const signal = evaluateEventRule(rule, event);
      if (signal) signals.push(signal);
    }
    return signals;
  }
}

function push<T>(index: Map<string, T[]>, key: string, value: T): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}
