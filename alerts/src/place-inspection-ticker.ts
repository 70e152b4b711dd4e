import { dueInspectionEscalation, nextInspectionDue, type PlaceRiskRules } from '@gridsense/core';
import {
  escalateInspection,
  getWorkCalendar,
  lastInspectionTimes,
  listOpenInspections,
  listPlaces,
  openInspection,
  rescheduleInspection,
  type StateDb,
} from '@gridsense/state';
import { assessPlaces, placeRiskRules } from './place-levels';
import type { InspectionNotifier } from './place-notices';

export interface InspectionPassResult {
  /** Inspections scheduled for places that had none open. */
  opened: number;
  /** Escalation steps taken on overdue inspections. */
  escalated: number;
}

/**
 * One pass over the places, at `now`: every place without an open inspection gets its next one,
 * due by its level's frequency after its last inspection on the working calendar; an open one
 * past its due time is missed: the grid's workers are told, and left undone it goes to the
 * community, then to the street (`dueInspectionEscalation`), each step with its notice. Every step
 * is a conditional write (the unique open inspection per place, the escalation's `from` level)
 * with its notice queued in the same transaction, so two alerts processes running the pass at
 * once never take a step or send its notice twice.
 */
export async function runInspectionPass(
  db: StateDb,
  now: number,
  notices?: InspectionNotifier,
): Promise<InspectionPassResult> {
  const [places, rules, calendar, open] = await Promise.all([
    listPlaces(db),
    placeRiskRules(db),
    getWorkCalendar(db),
    // Every open one: a place missing here would look unscheduled and its overdue task unescalated.
    listOpenInspections(db, { limit: 1_000_000 }),
  ]);
  const result: InspectionPassResult = { opened: 0, escalated: 0 };
  const openPlaces = new Set(open.map((i) => i.placeId));
  const unscheduled = places.filter((p) => !openPlaces.has(p.id));
  if (unscheduled.length > 0) {
    const [levels, last] = await Promise.all([
      assessPlaces(db, unscheduled, rules, now),
      lastInspectionTimes(
        db,
        unscheduled.map((p) => p.id),
      ),
    ]);
    for (const place of unscheduled) {
      const level = levels.get(place.id)?.level ?? place.baseLevel;
      const since = last.get(place.id) ?? place.createdAt;
      const dueAt = nextInspectionDue(since, rules.inspectEveryWorkingDays[level], calendar);
      if (await openInspection(db, { placeId: place.id, gridId: place.gridId, level, dueAt }, now))
        result.opened++;
    }
  }
  const byId = new Map(places.map((p) => [p.id, p]));
  let wake = false;
  for (const inspection of open) {
    const step = dueInspectionEscalation(inspection, now, calendar);
    const place = byId.get(inspection.placeId);
    if (!step || !place) continue;
    // The recipients are read before the transaction: SQLite has one connection, held by it.
    const notice = notices && (await notices.noticeFor(place, inspection, step, now, calendar));
    const taken = await db.transaction().execute(async (tx) => {
      if (!(await escalateInspection(tx, inspection.id, inspection.escalationLevel, step, now)))
        return { step: false, dueNow: false };
      const dueNow = notice && notices ? await notices.notifier.queueAbout(tx, [notice]) : false;
      return { step: true, dueNow };
    });
    if (taken.step) result.escalated++;
    if (taken.dueNow) wake = true;
  }
  if (wake) notices?.notifier.wake();
  return result;
}

/**
 * After the rules changed: each open inspection not yet overdue is due again by the new
 * frequency of its place's level now (computed by the new points), counted from the last
 * inspection; brought forward no sooner than a working day from the change, so tightening a rule
 * does not make an inspection missed at once. Overdue ones keep their due time: they were missed under
 * the rules of their day. Returns how many moved.
 */
export async function rescheduleForRules(db: StateDb, rules: PlaceRiskRules, now: number): Promise<number> {
  const [places, calendar, open] = await Promise.all([
    listPlaces(db),
    getWorkCalendar(db),
    listOpenInspections(db, { limit: 1_000_000 }),
  ]);
  const pending = open.filter((i) => i.escalationLevel === null && i.dueAt > now);
  const byId = new Map(places.map((p) => [p.id, p]));
  const affected = places.filter((p) => pending.some((i) => i.placeId === p.id));
  if (affected.length === 0) return 0;
  const [levels, last] = await Promise.all([
    assessPlaces(db, affected, rules, now),
    lastInspectionTimes(
      db,
      affected.map((p) => p.id),
    ),
  ]);
  const earliest = nextInspectionDue(now, 1, calendar);
  let moved = 0;
  for (const inspection of pending) {
    const place = byId.get(inspection.placeId);
    if (!place) continue;
    const level = levels.get(place.id)?.level ?? place.baseLevel;
    const since = last.get(place.id) ?? place.createdAt;
    const due = nextInspectionDue(since, rules.inspectEveryWorkingDays[level], calendar);
    // Brought forward no closer than a working day away (or its old due time, if that was sooner).
    const dueAt = Math.max(due, Math.min(inspection.dueAt, earliest));
    if (dueAt === inspection.dueAt && level === inspection.level) continue;
    if (await rescheduleInspection(db, inspection.id, inspection, { dueAt, level })) moved++;
  }
  return moved;
}

/** Runs the pass every `intervalMs` (with the deadline ticker's interval); passes never overlap. */
export function createInspectionTicker(
  db: StateDb,
  options: {
    now: () => number;
    intervalMs: number;
    onError: (e: unknown, context: string) => void;
    /** Who hears of missed inspections (none: the steps are recorded only). */
    notices?: InspectionNotifier;
  },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<InspectionPassResult | undefined> | undefined;
  const runTick = () => {
    running = (running ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then(() => runInspectionPass(db, options.now(), options.notices));
    return running;
  };
  return {
    tick: runTick,
    start(): void {
      const loop = () => {
        timer = setTimeout(() => {
          void runTick()
            .catch((error: unknown) => options.onError(error, 'inspection ticker'))
            .finally(() => timer && loop());
        }, options.intervalMs);
        timer.unref();
      };
      loop();
    },
    async stop(): Promise<void> {
      const current = timer;
      timer = undefined;
      clearTimeout(current);
      await running?.catch(() => undefined);
    },
  };
}
