import {
  inScope,
  isHeld,
  offlineSeverity,
  type CompositeMemory,
  type DeviceEvent,
  type DeviceIdentity,
  type OfflineMemory,
  type Reading,
  type Region,
  type RiskSignal,
  type Rule,
  type RuleSubject,
  type Severity,
} from '@gridsense/core';
import { applyEvent, applyReading, pickRepresentative, type EngineOps } from './rule-engine-apply';
import { eventKeys, readingKeys, RuleIndex, type RuleEntry } from './rule-engine-index';
import { isQuiet, timedVerdict } from './rule-engine-kinds';
import {
  newMemory,
  newSubjectState,
  settleSubject,
  stateKey,
  type PersistedRuleState,
  type RuleSlot,
  type SubjectState,
} from './rule-engine-state';

export interface WatchedDevice {
  id: string;
  gridId: string;
  type: string;
}

export interface RuleEngineOptions {
  /** The region tree, for grid-subtree scopes, per-region overrides and community scenarios. */
  regions?: readonly Region[];
  /** Every registered device: no-data rules watch devices that never sent anything too. */
  devices?: () => Iterable<WatchedDevice>;
}

type Details = Parameters<typeof settleSubject>[4];

/**
 * Matches readings and events against the rules that can apply to them (see RuleIndex) and keeps
 * each (rule, subject)'s state, emitting state changes only. The clock comes in with every call:
 * readings and events carry their own time, `tick(now)` moves time-based rules (durations,
 * no data, offline, quiet events, scenario windows, schedules, held flapping changes).
 */
export class RuleEngine {
  private slots = new Map<string, RuleSlot>();
  private index = new RuleIndex([]);
  /** Keys to write (or delete) at the next `takeChanges`, and keys the database holds. */
  private dirty = new Set<string>();
  private persisted = new Set<string>();
  private lineages = new Map<string, string[]>();
  private parents = new Map<string, string | null>();
  private readonly ops: EngineOps = {
    stateFor: (...args) => this.stateFor(...args),
    settle: (...args) => this.settle(...args),
  };

  constructor(
    rules: Rule[] = [],
    private readonly options: RuleEngineOptions = {},
  ) {
    this.setRegions(options.regions ?? []);
    this.setRules(rules, 0);
  }

  setRegions(regions: readonly Region[]): void {
    this.parents = new Map(regions.map((r) => [r.id, r.parentId]));
    this.lineages.clear();
  }

  /**
   * Replaces the rule set. States of a rule that is gone, or changed kind, resolve (signals
   * returned) and are dropped; a changed rule of the same kind keeps its states.
   */
  setRules(rules: Rule[], now: number): RiskSignal[] {
    const signals: RiskSignal[] = [];
    const next = new Map<string, RuleSlot>();
    for (const rule of rules) {
      const states = this.slots.get(rule.id)?.states ?? new Map<string, SubjectState>();
      next.set(rule.id, { rule, states });
      for (const state of states.values())
        if (
          rule.kind === 'composite' &&
          (state.memory as CompositeMemory).met.length !== rule.conditions.length
        )
          state.memory = newMemory(rule, now);
    }
    for (const [ruleId, old] of this.slots) {
      const keep = next.get(ruleId);
      for (const [subject, state] of old.states) {
        if (keep && keep.rule.kind === state.kind) continue;
        // A removed rule's risk resolves at once: no flapping hold for a rule that no longer exists.
        const noHold = { ...old.rule, flapping: { maxChanges: Number.MAX_SAFE_INTEGER, windowSeconds: 1 } };
        const signal = state.severity === null ? undefined : settleSubject(noHold, state, null, now);
        if (signal) signals.push(signal);
        keep?.states.delete(subject);
        this.markGone(ruleId, subject);
      }
    }
    this.slots = next;
    this.index = new RuleIndex(next.values());
    return signals;
  }

  get ruleCount(): number {
    return this.slots.size;
  }

  evaluateReading(reading: Reading): RiskSignal[] {
    const signals: RiskSignal[] = [];
    const subject = this.subjectOf(reading);
    this.index.forEach(
      readingKeys(reading.deviceType, reading.metrics),
      reading.deviceId,
      subject.lineage,
      (entry) => {
        if (applies(entry, subject)) applyReading(this.ops, entry, reading, subject.lineage, signals);
      },
    );
    return signals;
  }

  evaluateEvent(event: DeviceEvent): RiskSignal[] {
    const signals: RiskSignal[] = [];
    const subject = this.subjectOf(event);
    this.index.forEach(eventKeys(event.deviceType, event.type), event.deviceId, subject.lineage, (entry) => {
      if (applies(entry, subject)) applyEvent(this.ops, entry, event, subject.lineage, signals);
    });
    return signals;
  }

  /** A device's online/offline status (its last will, or its own status message). */
  recordStatus(device: DeviceIdentity, online: boolean, at: number): RiskSignal[] {
    const signals: RiskSignal[] = [];
    const subject = this.subjectOf(device);
    this.index.forEach(readingKeys(device.deviceType, {}), device.deviceId, subject.lineage, (entry) => {
      const rule = entry.slot.rule;
      if (rule.kind !== 'offline' || !applies(entry, subject)) return;
      const state = this.stateFor(entry.slot, device.deviceId, device, at);
      const memory = state.memory as OfflineMemory;
      memory.offlineSince = online ? null : (memory.offlineSince ?? at);
      this.settle(entry.slot, device.deviceId, state, offlineSeverity(rule, memory, at), at, signals);
    });
    return signals;
  }

  /** Moves every time-based state to `now`. */
  tick(now: number): RiskSignal[] {
    const signals: RiskSignal[] = [];
    this.watchSilentDevices(now);
    for (const slot of this.slots.values()) {
      for (const [subject, state] of slot.states) {
        const verdict = timedVerdict(slot.rule, state, now, (gridId) => this.lineageOf(gridId));
        if (verdict !== undefined || isHeld(state))
          this.settle(slot, subject, state, verdict === undefined ? state.condition : verdict, now, signals);
      }
    }
    return signals;
  }

  /** States changed since the last call (to persist), and states dropped. */
  takeChanges(now: number): {
    upserts: PersistedRuleState[];
    deletes: { ruleId: string; subject: string }[];
  } {
    const upserts: PersistedRuleState[] = [];
    const deletes: { ruleId: string; subject: string }[] = [];
    for (const key of this.dirty) {
      const at = key.indexOf('\u0000');
      const id = { ruleId: key.slice(0, at), subject: key.slice(at + 1) };
      const state = this.slots.get(id.ruleId)?.states.get(id.subject);
      if (state) {
        upserts.push({ ...id, severity: state.severity, state: JSON.stringify(state), updatedAt: now });
        this.persisted.add(key);
      } else if (this.persisted.delete(key)) deletes.push(id);
    }
    this.dirty.clear();
    return { upserts, deletes };
  }

  /** Restores saved states of rules that still exist with the same kind; forgets the others. */
  loadStates(rows: readonly PersistedRuleState[]): void {
    for (const row of rows) {
      const state = JSON.parse(row.state) as SubjectState;
      const key = stateKey(row.ruleId, row.subject);
      this.persisted.add(key);
      const slot = this.slots.get(row.ruleId);
      if (slot?.rule.kind === state.kind) slot.states.set(row.subject, state);
      else this.dirty.add(key);
    }
  }

  /** A state as the engine holds it (tests read it). */
  stateOf(ruleId: string, subject: string): Readonly<SubjectState> | undefined {
    return this.slots.get(ruleId)?.states.get(subject);
  }

  private subjectOf(device: DeviceIdentity): RuleSubject {
    return {
      deviceId: device.deviceId,
      deviceType: device.deviceType,
      lineage: this.lineageOf(device.gridId),
    };
  }

  /** A grid and its ancestors, grid first (an unknown grid stands alone). */
  private lineageOf(gridId: string): readonly string[] {
    let lineage = this.lineages.get(gridId);
    if (!lineage) {
      lineage = [gridId];
      for (let id = this.parents.get(gridId); id && !lineage.includes(id); id = this.parents.get(id))
        lineage.push(id);
      this.lineages.set(gridId, lineage);
    }
    return lineage;
  }

  /** Devices a no-data rule watches before they ever reported: silence counts from now. */
  private watchSilentDevices(now: number): void {
    if (!this.options.devices) return;
    const slots = [...this.slots.values()].filter((s) => s.rule.kind === 'no_data');
    if (slots.length === 0) return;
    for (const device of this.options.devices()) {
      for (const slot of slots) {
        const rule = slot.rule;
        if (rule.kind !== 'no_data' || rule.deviceType !== device.type || slot.states.has(device.id))
          continue;
        const identity = { deviceId: device.id, gridId: device.gridId, deviceType: device.type };
        if (inScope(rule.scope, this.subjectOf(identity))) this.stateFor(slot, device.id, identity, now);
      }
    }
  }

  private stateFor(slot: RuleSlot, subject: string, device: DeviceIdentity, at: number): SubjectState {
    let state = slot.states.get(subject);
    if (!state) {
      const identity = { deviceId: device.deviceId, gridId: device.gridId, deviceType: device.deviceType };
      slot.states.set(subject, (state = newSubjectState(slot.rule, identity, at)));
    }
    return state;
  }

  private settle(
    slot: RuleSlot,
    subject: string,
    state: SubjectState,
    verdict: Severity | null,
    at: number,
    signals: RiskSignal[],
    details?: Details,
  ): void {
    const rule = slot.rule;
    if (rule.kind === 'composite') pickRepresentative(rule, state, verdict, at);
    const signal = settleSubject(rule, state, verdict, at, details);
    if (signal) signals.push(signal);
    if (state.severity === null && state.kind === 'composite') delete state.sources;
    if (!isQuiet(rule, state, at)) this.dirty.add(stateKey(rule.id, subject));
    else {
      slot.states.delete(subject);
      this.markGone(rule.id, subject);
    }
  }

  private markGone(ruleId: string, subject: string): void {
    const key = stateKey(ruleId, subject);
    if (this.persisted.has(key)) this.dirty.add(key);
    else this.dirty.delete(key);
  }
}

function applies(entry: RuleEntry, subject: RuleSubject): boolean {
  const scope = entry.slot.rule.scope;
  return scope === undefined || inScope(scope, subject);
}
