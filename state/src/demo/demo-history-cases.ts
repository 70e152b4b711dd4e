import {
  addSpan,
  categoryOf,
  pickSla,
  SAFETY_CATEGORIES,
  type CaseCategoryNode,
  type CaseRecord,
  type CaseSource,
  type ReturnReason,
  type Severity,
  type SlaEntry,
  type TransitionPolicy,
  type WorkCalendar,
} from '@gridsense/core';
import { TAXONOMY_EXAMPLES } from '../district/taxonomy-examples';
import { SYSTEM_ACTOR, type HistoryActor, type HistoryCast, type HistoryGrid } from './demo-history-cast';
import { Dice } from './demo-history-dice';
import { handleCase } from './demo-history-handling';
import { CaseWalk } from './demo-history-walk';

const MINUTE = 60_000;

/** The district's rules for the history: taxonomy, deadlines and calendar, as seeded. */
export interface HistoryPolicy {
  categories: CaseCategoryNode[];
  slas: SlaEntry[];
  calendar: WorkCalendar;
  returnLimit: number;
}

/** Sensor alarms by device type: the taxonomy type each raises, and the rule behind it. */
const SENSOR_CASES: Record<string, { caseType: string; ruleId: string }> = {
  smoke_detector: { caseType: 'fire_safety.alarm.smoke', ruleId: 'smoke-high' },
  gas_detector: { caseType: 'gas_safety.leak.sensor_alarm', ruleId: 'gas-leak' },
  electrical_fire: { caseType: 'electrical_safety.overheat.cable_overheat', ruleId: 'cable-overheat' },
  water_level: { caseType: 'flood.waterlogging.rising', ruleId: 'waterlogging' },
  manhole_cover: { caseType: 'facility.manhole.displaced', ruleId: 'manhole-displaced' },
  fire_hydrant: { caseType: 'fire_safety.hazard.hydrant_fault', ruleId: 'hydrant-pressure-low' },
};

/** What people report on patrol or call in about (the sensor-only and outage types left out). */
const REPORTED_TYPES = Object.keys(TAXONOMY_EXAMPLES).filter(
  (key) =>
    !key.startsWith('device_health') &&
    !key.startsWith('network_outage') &&
    !key.startsWith('power_outage') &&
    !['fire_safety.alarm.smoke', 'fire_safety.alarm.fused', 'fire_safety.alarm.video_fire'].includes(key),
);

/** Matters a department leads (the demo's dispatch rule list: 城管 for appearance and 三违, 消防 for fires). */
function leadDepartment(caseType: string): string | null {
  const category = categoryOf(caseType);
  if (category === 'city_appearance' || category === 'construction') return 'dept-cgj';
  if (caseType.startsWith('fire_safety.fire.')) return 'dept-fire';
  return null;
}

const RETURN_REASONS: ReturnReason[] = ['not_my_duty', 'needs_department', 'not_my_grid', 'cannot_locate'];

/** A case's plan: when, where, what, through which channel. */
interface Opening {
  at: number;
  grid: HistoryGrid;
  source: CaseSource;
  caseType: string;
  severity: Severity;
  deviceId: string | null;
  ruleId: string | null;
  /** A building number fixed by a scripted story (the same place again and again). */
  building?: number;
}

export class HistoryCases {
  readonly dice: Dice;
  private serial = 0;
  /** Each grid's handled cases so far, for 重复件 (a duplicate names an earlier case). */
  private readonly earlier = new Map<string, string>();

  constructor(
    private readonly cast: HistoryCast,
    private readonly policy: HistoryPolicy,
    private readonly now: number,
    seed: number,
  ) {
    this.dice = new Dice(seed);
  }

  /** Plans the case opened at `at` in a random grid (weighted to the busy ones). */
  plan(at: number): Opening {
    // Grids differ in how busy they are: the first of each community sees twice the cases.
    const grids = this.cast.grids.flatMap((g, i) => (i % 3 === 0 ? [g, g] : [g]));
    const grid = this.dice.pick(grids);
    const roll = this.dice.random();
    const sensors = grid.devices.filter((d) => SENSOR_CASES[d.type]);
    if (roll < 0.45 && sensors.length > 0) {
      const device = this.dice.pick(sensors);
      const sensor = SENSOR_CASES[device.type]!;
      return {
        at,
        grid,
        source: 'auto',
        caseType: sensor.caseType,
        severity: this.dice.chance(0.15) ? 'critical' : 'warning',
        deviceId: device.id,
        ruleId: sensor.ruleId,
      };
    }
    const caseType = this.dice.pick(REPORTED_TYPES);
    return {
      at,
      grid,
      source: roll < 0.75 ? 'patrol' : 'hotline',
      caseType,
      severity: this.dice.chance(0.25) ? 'warning' : 'info',
      deviceId: null,
      ruleId: null,
    };
  }

  /** A scripted case (the history's stories: a surge, a place that keeps coming back). */
  planStory(at: number, gridId: string, caseType: string, building: number): Opening {
    const grid = this.cast.grids.find((g) => g.id === gridId) ?? this.cast.grids[0]!;
    return { at, grid, source: 'patrol', caseType, severity: 'info', deviceId: null, ruleId: null, building };
  }

  private caseId(at: number): string {
    this.serial++;
    const day = new Date(at).toISOString().slice(2, 10).replace(/-/g, '');
    // The generated ones read like intake's ids (C + yymmdd + 6 base-32) and never collide.
    return `C${day}-H${String(this.serial).padStart(5, '0')}`;
  }

  private nameOf(key: string): string {
    return this.policy.categories.find((n) => n.key === key)?.name ?? key;
  }

  /** Opens the planned case and walks its whole life up to `now`. */
  walk(opening: Opening): CaseWalk {
    const { at, grid, source, caseType, severity } = opening;
    const category = categoryOf(caseType);
    const sla = pickSla(this.policy.slas, category, severity);
    const transitionPolicy: TransitionPolicy = {
      returnLimit: this.policy.returnLimit,
      calendar: this.policy.calendar,
      sla,
    };
    const operator = this.dice.pick(this.cast.operators);
    const reporter: HistoryActor =
      source === 'patrol' ? (this.dice.chance(0.8) ? grid.primary : grid.backup) : operator;
    const description = this.dice.pick(TAXONOMY_EXAMPLES[caseType] ?? [this.nameOf(caseType)]);
    const building = opening.building ?? 1 + Math.floor(this.dice.random() * 30);
    const location = {
      lat: Number(this.dice.between(grid.box.south, grid.box.north).toFixed(6)),
      lng: Number(this.dice.between(grid.box.west, grid.box.east).toFixed(6)),
    };
    const safety =
      SAFETY_CATEGORIES.includes(category) ||
      this.policy.categories.some((n) => n.key === category && n.safety);
    // Asserted, not annotated: clocks a newer record carries (立案, 派遣) start empty like the rest.
    const record = {
      id: this.caseId(at),
      title: `${this.nameOf(caseType)}：${grid.name}${building}号楼`,
      category,
      subcategory: caseType.split('.').slice(0, 2).join('.'),
      caseType,
      severity,
      state: 'reported',
      source,
      description,
      gridId: grid.id,
      location,
      address: `${grid.name}${building}号楼`,
      deviceId: opening.deviceId,
      ruleId: opening.ruleId,
      assigneeId: null,
      coHandlerIds: [],
      departmentId: null,
      dispatcherId: null,
      reporterId: source === 'auto' ? null : reporter.id,
      resolvedById: null,
      returnCount: 0,
      occurrences: 1,
      // The history's sensor conditions have long cleared.
      riskActive: false,
      photoRequired: safety,
      escalationLevel: 'grid',
      escalatedAt: null,
      pausedAt: null,
      pauseReason: null,
      parentId: null,
      openedAt: at,
      updatedAt: at,
      lastSignalAt: at,
      dispatchedAt: null,
      firstDispatchedAt: null,
      acceptedAt: null,
      acceptedOnTime: null,
      arrivedAt: null,
      resolvedAt: null,
      resolvedOnTime: null,
      closedAt: null,
      registerDueAt: null,
      dispatchDueAt: null,
      awaitingDispatchSince: null,
      acceptDueAt: null,
      arriveDueAt: null,
      resolveDueAt: addSpan(at, sla.resolve, this.policy.calendar),
      breachActed: [],
      remindedClocks: [],
      lastNotifiedAt: null,
      satisfaction: null,
      feedbackAt: null,
      closeReason: null,
      duplicateOfId: null,
      returnedById: null,
      extensionRequest: null,
      supervisedAt: null,
      supervisedById: null,
      supervisionReason: null,
    } as CaseRecord;
    const walk = new CaseWalk(record, transitionPolicy, this.now, {
      actor: source === 'auto' ? SYSTEM_ACTOR : reporter,
      note: description,
      data: {
        kind: source,
        category,
        gridId: grid.id,
        severity,
        location,
        ...(opening.deviceId ? { deviceId: opening.deviceId, ruleId: opening.ruleId } : {}),
        ...(source === 'auto' ? {} : { reporterId: reporter.id, reporterName: reporter.name }),
      },
    });
    walk.step({ action: 'register' }, SYSTEM_ACTOR, 0);
    const dispatcher = source === 'auto' ? SYSTEM_ACTOR : operator;
    const community = this.cast.communitySupervisor[grid.communityId] ?? operator;
    const street = this.cast.streetSupervisor[grid.streetId];

    // 作废 / 误报 / 重复件: closed before anyone goes out (never a story's case: it would not count).
    if (opening.building === undefined && this.dice.chance(0.05)) {
      const duplicateOf = this.earlier.get(grid.id);
      const reason = source === 'auto' ? 'false_alarm' : duplicateOf ? 'duplicate' : 'void';
      walk.step(
        {
          action: 'void',
          reason,
          note: reason === 'false_alarm' ? '现场核实为误报，设备已复位' : '信息不实，无需处置',
          ...(reason === 'duplicate' ? { duplicateOfId: duplicateOf } : {}),
        },
        operator,
        this.dice.between(10, 90) * MINUTE,
      );
      return walk;
    }

    const department = leadDepartment(caseType);
    let lead: HistoryActor =
      department && this.cast.departmentLead[department]
        ? this.cast.departmentLead[department]
        : this.dice.chance(0.85)
          ? grid.primary
          : grid.backup;
    const dispatch = (to: HistoryActor, after: number) =>
      walk.step(
        {
          action: 'dispatch',
          assigneeId: to.id,
          ...(to.id !== grid.primary.id && to.role !== 'grid_worker'
            ? { coHandlerIds: [grid.primary.id] }
            : {}),
          departmentId: 'departmentId' in to ? (to.departmentId as string) : null,
        },
        dispatcher,
        after,
      );
    dispatch(lead, source === 'auto' ? MINUTE : this.dice.between(5, 40) * MINUTE);

    // 退单: the lead sends it back with a reason, the dispatcher sends it to someone else.
    if (this.dice.chance(0.08)) {
      walk.step(
        { action: 'return', reason: this.dice.pick(RETURN_REASONS), note: '不属于本人职责范围，请重新派遣' },
        lead,
        this.dice.between(5, 60) * MINUTE,
      );
      lead = lead.id === grid.backup.id ? grid.primary : grid.backup;
      dispatch(lead, this.dice.between(10, 60) * MINUTE);
    }

    handleCase(
      walk,
      lead,
      { community, street, operator, late: this.dice.chance(0.15) },
      this.dice,
      this.policy,
    );
    if (walk.record.state === 'closed') this.earlier.set(grid.id, record.id);
    return walk;
  }
}
