import { nextInspectionDue } from '@gridsense/core';
import {
  escalateInspection,
  getWorkCalendar,
  lastInspectionTimes,
  listOpenInspections,
  listPlaces,
  openInspection,
  type StateDb,
} from '@gridsense/state';
import { assessPlaces, placeRiskRules } from './place-levels';

export interface InspectionPassResult {
  /** Inspections scheduled for places that had none open. */
  opened: number;
  /** Escalation steps taken on overdue inspections. */
  escalated: number;
}

/**
 * One pass over the places, at `now`: every place without an open inspection gets its next one,
 * due by its level's frequency after its last inspection on the working calendar; an open one
 * past its due time goes to the community, and once a further working day has passed, to the
 * street. Every step is a conditional write (the unique open inspection per place, the
 * escalation's `from` level), so two alerts processes running the pass at once never do it twice.
 */
export async function runInspectionPass(db: StateDb, now: number): Promise<InspectionPassResult> {
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
  for (const inspection of open) {
    if (inspection.dueAt > now) continue;
    if (inspection.escalationLevel === null) {
      if (await escalateInspection(db, inspection.id, null, 'community', now)) result.escalated++;
    } else if (
      inspection.escalationLevel === 'community' &&
      now >= nextInspectionDue(inspection.dueAt, 1, calendar) &&
      (await escalateInspection(db, inspection.id, 'community', 'street', now))
    )
      result.escalated++;
  }
  return result;
}

/** Runs the pass every `intervalMs` (with the deadline ticker's interval); passes never overlap. */
export function createInspectionTicker(
  db: StateDb,
  options: { now: () => number; intervalMs: number; onError: (e: unknown, context: string) => void },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<InspectionPassResult | undefined> | undefined;
  const runTick = () => {
    running = (running ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then(() => runInspectionPass(db, options.now()));
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
