import {
  addWorkingMs,
  assessPlaceRisk,
  DEFAULT_PLACE_RISK_RULES,
  dueInspectionEscalation,
  INSPECTION_CHECKLISTS,
  INSPECTION_STEP_WORKING_MS,
  nextInspectionDue,
  workingDayMs,
  type ChecklistAnswer,
  type InspectionEscalation,
  type PlaceLevel,
  type PlaceRiskRules,
  type WorkCalendar,
} from '@gridsense/core';
import type { Insertable } from 'kysely';
import { getWorkCalendar } from '../case-config.repository';
import type { StateDb } from '../database';
import { INSPECTION_NOT_DONE } from '../place-inspection-rows';
import { listPlaces, loadPlaceRiskRules, type PlaceRecord, type PlaceTables } from '../place.repository';
import { historyCast } from './demo-history-cast';
import { Dice } from './demo-history-dice';
import { buildDemoDistrict } from './demo-district';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type InspectionRow = Insertable<PlaceTables['place_inspections']>;

/** How a place's people keep up with its inspections: most on time, a few places less so. */
interface Habits {
  late: number;
  failed: number;
}
const USUAL: Habits = { late: 0.1, failed: 0.08 };
/**
 * Two stories: the metro site missed the inspections due two to three months ago, most of them
 * failed once done, so it went red and was inspected daily until those left the window; the
 * market fails its checklist more often than most.
 */
const STORIES: Record<string, (daysAgo: number) => Habits> = {
  'place-G03': (daysAgo) => (daysAgo > 55 ? { late: 1, failed: 0.7 } : { late: 0.1, failed: 0.06 }),
  'place-G01': () => ({ late: 0.05, failed: 0.3 }),
};

/** What a failed item's note says, per checklist item. */
const FAILURE_NOTES: Record<string, string> = {
  fire_exits_clear: '消防通道堆放杂物，已要求清理',
  extinguishers_ready: '灭火器压力不足，已通知更换',
  wiring_safe: '发现私拉电线，已要求整改',
  no_stacked_goods: '楼道堆放纸箱，已督促清理',
  gas_safe: '燃气软管老化，已告知商户更换',
  no_ebike_charging_indoors: '发现电动车入户充电，已劝离',
  fences_closed: '围挡破损一处，已要求修复',
  hot_work_permit: '动火作业未见审批单，已叫停',
  dust_covered: '渣土未覆盖，已要求覆盖',
};

export interface InspectionHistoryOptions {
  now: number;
  days: number;
  seed: number;
  rules: PlaceRiskRules;
  calendar: WorkCalendar;
}

/**
 * Each place's 巡检 over the history, as the ticker and the phone would have left them: scheduled
 * by the place's level after the last check-in, done before the due time by the grid's worker,
 * now and then late (escalated as far as the ticker would have taken it by then) or failed with
 * a note, and the current one open. The level follows the place's own inspections through the
 * rules' points (its devices' alerts are left out here), so a place that keeps slipping is
 * inspected more often. Same seed, same inspections.
 */
export function generateInspectionHistory(
  places: readonly Pick<PlaceRecord, 'id' | 'gridId' | 'kind' | 'lat' | 'lng' | 'baseLevel' | 'createdAt'>[],
  options: InspectionHistoryOptions,
): InspectionRow[] {
  const { now, rules, calendar } = options;
  const dice = new Dice(options.seed);
  const workers = new Map(historyCast(buildDemoDistrict()).grids.map((g) => [g.id, [g.primary, g.backup]]));
  const rows: InspectionRow[] = [];
  for (const place of [...places].sort((a, b) => a.id.localeCompare(b.id))) {
    const people = workers.get(place.gridId) ?? [];
    const window = rules.windowDays * DAY;
    const past: { dueAt: number; doneAt: number; passed: boolean }[] = [];
    const levelAt = (at: number): PlaceLevel => {
      const recent = past.filter((p) => p.dueAt >= at - window);
      const missed = recent.filter((p) => p.doneAt > p.dueAt).length;
      const failed = recent.filter((p) => !p.passed).length;
      const evidence = { alerts: {}, cases: 0, missedInspections: missed, failedInspections: failed };
      return assessPlaceRisk(evidence, rules, place.baseLevel).level;
    };
    let last = Math.max(place.createdAt, now - options.days * DAY);
    for (;;) {
      const level = levelAt(last);
      const every = rules.inspectEveryWorkingDays[level];
      const dueAt = nextInspectionDue(last, every, calendar);
      const habits = STORIES[place.id]?.((now - dueAt) / DAY) ?? USUAL;
      const late = dice.chance(habits.late);
      // Rates are per weekly round: a place inspected daily shows a new problem less often each time.
      const failed = dice.chance(habits.failed * Math.min(1, every / 5));
      // On time: a few hours before the close of the due day; late: up to a day and a half after.
      const doneAt = Math.round(
        late
          ? addWorkingMs(dueAt, (0.1 + 1.4 * dice.random()) * workingDayMs(calendar), calendar)
          : Math.max(last + HOUR, dueAt - (1 + 5 * dice.random()) * HOUR),
      );
      const open = doneAt > now;
      const escalation = escalationBy(dueAt, open ? now : doneAt, calendar);
      const base = {
        place_id: place.id,
        grid_id: place.gridId,
        level,
        due_at: dueAt,
        created_at: last,
        escalation_level: escalation?.level ?? null,
        escalated_at: escalation?.at ?? null,
      };
      if (open) {
        rows.push({ ...base, ...INSPECTION_NOT_DONE, open_place_id: place.id });
        break;
      }
      const failing = failed ? dice.pick(INSPECTION_CHECKLISTS[place.kind]) : null;
      const checklist = checklistOf(place.kind, failing);
      rows.push({
        ...base,
        open_place_id: null,
        done_at: doneAt,
        done_by_id: (dice.chance(0.85) ? people[0] : people[1])?.id ?? null,
        lng: place.lng,
        lat: place.lat,
        accuracy_m: Math.round(5 + 15 * dice.random()),
        // No pictures in a generated history: the case history's photos are absent too.
        photos: '[]',
        checklist: JSON.stringify(checklist),
        passed: failed ? 0 : 1,
        note: checklist.find((a) => !a.ok)?.note ?? null,
      });
      past.push({ dueAt, doneAt, passed: !failed });
      last = doneAt;
    }
  }
  return rows;
}

/** How far the ticker would have taken an inspection due at `dueAt` by `until`. */
function escalationBy(
  dueAt: number,
  until: number,
  calendar: WorkCalendar,
): { level: InspectionEscalation; at: number } | undefined {
  let state: { level: InspectionEscalation; at: number } | undefined;
  for (;;) {
    const current = { dueAt, escalationLevel: state?.level ?? null, escalatedAt: state?.at ?? null };
    const step = dueInspectionEscalation(current, until, calendar);
    if (!step) return state;
    // Taken at the first instant it was due, as a ticker running all along would have.
    const at =
      step === 'grid'
        ? dueAt
        : addWorkingMs(current.escalatedAt ?? dueAt, INSPECTION_STEP_WORKING_MS[step](calendar), calendar);
    state = { level: step, at };
  }
}

function checklistOf(kind: PlaceRecord['kind'], failing: string | null): ChecklistAnswer[] {
  return INSPECTION_CHECKLISTS[kind].map((key) =>
    key === failing
      ? { key, ok: false, note: FAILURE_NOTES[key] ?? '发现问题，已要求整改' }
      : { key, ok: true, note: null },
  );
}

/** Rows per insert: well under SQLite's and PostgreSQL's bound-parameter limits (18 columns). */
const CHUNK = 200;

/**
 * Writes the places' inspection history inside the demo seed's transaction, in place of the one
 * recent inspection each place was seeded with; the places count as registered when the history
 * begins, so their inspections span it. Returns what it wrote.
 */
export async function seedInspectionHistory(
  tx: StateDb,
  options: { now: number; days: number; seed: number },
): Promise<{ inspections: number; late: number; failed: number }> {
  const [places, rules, calendar] = await Promise.all([
    listPlaces(tx),
    loadPlaceRiskRules(tx),
    getWorkCalendar(tx),
  ]);
  if (places.length === 0) return { inspections: 0, late: 0, failed: 0 };
  const start = options.now - options.days * DAY;
  const t = tx.withTables<PlaceTables>();
  await t.updateTable('places').set({ created_at: start }).where('created_at', '>', start).execute();
  const registered = places.map((p) => ({ ...p, createdAt: Math.min(p.createdAt, start) }));
  const rows = generateInspectionHistory(registered, {
    ...options,
    rules: rules ?? DEFAULT_PLACE_RISK_RULES,
    calendar,
  });
  await t
    .deleteFrom('place_inspections')
    .where(
      'place_id',
      'in',
      places.map((p) => p.id),
    )
    .execute();
  for (let i = 0; i < rows.length; i += CHUNK)
    await t
      .insertInto('place_inspections')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  return {
    inspections: rows.length,
    late: rows.filter((r) => r.done_at !== null && r.done_at !== undefined && r.done_at > r.due_at).length,
    failed: rows.filter((r) => r.passed === 0).length,
  };
}
