import {
  completeInspection,
  insertPlace,
  listOpenInspections,
  type PlaceFields,
  type StateDb,
} from '@gridsense/state';
import { openTestStateDb, stateDialects } from '@gridsense/state/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLACE_RISK_RULES } from '@gridsense/core';
import { rescheduleForRules, runInspectionPass } from './place-inspection-ticker';

/** Local time in UTC+8 (month 1–12). 2026-03-02 is a Monday; the default calendar closes at 17:30. */
const beijing = (month: number, day: number, hour = 0, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour - 8, minute);
const MONDAY_10 = beijing(3, 2, 10);

const place = (over: Partial<PlaceFields> = {}): PlaceFields => ({
  id: 'p-site',
  name: '江城工地',
  kind: 'construction_site',
  gridId: 'G01',
  address: '江城路 8 号',
  lat: 30.26,
  lng: 120.155,
  baseLevel: 'green',
  ...over,
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('the inspection pass on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return db;
  }

  it('schedules each place once by its level, even with two passes at once', async () => {
    const db = await fresh();
    await insertPlace(db, place(), MONDAY_10);
    await insertPlace(db, place({ id: 'p-red', baseLevel: 'red' }), MONDAY_10);
    await insertPlace(db, place({ id: 'p-yellow', baseLevel: 'yellow' }), MONDAY_10);
    const [a, b] = await Promise.all([runInspectionPass(db, MONDAY_10), runInspectionPass(db, MONDAY_10)]);
    expect(a.opened + b.opened).toBe(3);
    expect(await runInspectionPass(db, MONDAY_10 + 60_000)).toEqual({ opened: 0, escalated: 0 });
    const due = new Map((await listOpenInspections(db)).map((i) => [i.placeId, [i.level, i.dueAt]]));
    expect(due).toEqual(
      new Map([
        // Red daily: Tuesday's close; yellow every 5 working days: next Monday's; green every 22.
        ['p-red', ['red', beijing(3, 3, 17, 30)]],
        ['p-yellow', ['yellow', beijing(3, 9, 17, 30)]],
        ['p-site', ['green', beijing(4, 1, 17, 30)]],
      ]),
    );
  });

  it('a missed inspection goes to the grid at its due time, then the community, then the street, each once', async () => {
    const db = await fresh();
    await insertPlace(db, place({ baseLevel: 'red' }), MONDAY_10);
    await runInspectionPass(db, MONDAY_10);
    const tuesdayClose = beijing(3, 3, 17, 30);
    expect(await runInspectionPass(db, tuesdayClose - 1)).toEqual({ opened: 0, escalated: 0 });
    const passes = await Promise.all([
      runInspectionPass(db, tuesdayClose),
      runInspectionPass(db, tuesdayClose),
    ]);
    expect(passes.reduce((n, p) => n + p.escalated, 0)).toBe(1);
    expect((await listOpenInspections(db))[0]).toMatchObject({
      escalationLevel: 'grid',
      escalatedAt: tuesdayClose,
    });
    // Half a working day later (Wednesday 14:00), the community; not a minute before.
    expect(await runInspectionPass(db, beijing(3, 4, 13, 59))).toEqual({ opened: 0, escalated: 0 });
    const wednesday14 = beijing(3, 4, 14);
    const again = await Promise.all([runInspectionPass(db, wednesday14), runInspectionPass(db, wednesday14)]);
    expect(again.reduce((n, p) => n + p.escalated, 0)).toBe(1);
    expect((await listOpenInspections(db))[0]).toMatchObject({
      escalationLevel: 'community',
      escalatedAt: wednesday14,
    });
    // A working day after that (Thursday 14:00), the street, and nothing further.
    expect(await runInspectionPass(db, beijing(3, 5, 10))).toEqual({ opened: 0, escalated: 0 });
    const thursday14 = beijing(3, 5, 14);
    expect(await runInspectionPass(db, thursday14)).toEqual({ opened: 0, escalated: 1 });
    expect(await runInspectionPass(db, beijing(3, 9, 10))).toEqual({ opened: 0, escalated: 0 });
    expect((await listOpenInspections(db))[0]).toMatchObject({
      escalationLevel: 'street',
      escalatedAt: thursday14,
    });
  });

  it('after a check-in the next inspection is due from it, at the level the missed one left', async () => {
    const db = await fresh();
    await insertPlace(db, place(), MONDAY_10);
    await runInspectionPass(db, MONDAY_10);
    const [first] = await listOpenInspections(db);
    // Done after it was due: one missed inspection (2 points) keeps a green place green.
    const doneAt = first!.dueAt + 3_600_000;
    await completeInspection(db, first!.id, {
      byId: 'u-worker01',
      at: doneAt,
      position: { lng: 120.155, lat: 30.26, accuracyM: 5 },
      photos: [],
      checklist: [],
      passed: false,
      note: '围挡破损',
    });
    // Late and failed: 2 + 3 points, yellow: the next one is due 5 working days after the check-in.
    expect(await runInspectionPass(db, doneAt + 1)).toEqual({ opened: 1, escalated: 0 });
    const [next] = await listOpenInspections(db);
    expect(next).toMatchObject({ level: 'yellow', escalationLevel: null });
    expect(next!.dueAt).toBeGreaterThan(doneAt + 5 * 86_400_000);
    expect(next!.dueAt).toBeLessThan(doneAt + 10 * 86_400_000);
  });

  it('reschedules inspections not yet overdue when the frequency changes, never into the past', async () => {
    const db = await fresh();
    await insertPlace(db, place(), MONDAY_10);
    await insertPlace(db, place({ id: 'p-red', baseLevel: 'red' }), MONDAY_10);
    await runInspectionPass(db, MONDAY_10);
    const every = (green: number) => ({
      ...DEFAULT_PLACE_RISK_RULES,
      inspectEveryWorkingDays: { ...DEFAULT_PLACE_RISK_RULES.inspectEveryWorkingDays, green },
    });
    const dueOf = async (id: string) => (await listOpenInspections(db)).find((i) => i.placeId === id)!.dueAt;

    // Green every 3 working days from Monday: Thursday's close; the red place's is unchanged.
    expect(await rescheduleForRules(db, every(3), MONDAY_10 + 60_000)).toBe(1);
    expect(await dueOf('p-site')).toBe(beijing(3, 5, 17, 30));
    expect(await dueOf('p-red')).toBe(beijing(3, 3, 17, 30));
    // Tightened to daily on Wednesday: Tuesday's close is past, so it stays due Thursday.
    expect(await rescheduleForRules(db, every(1), beijing(3, 4, 10))).toBe(0);
    expect(await dueOf('p-site')).toBe(beijing(3, 5, 17, 30));
    // Wednesday: the red place was missed on Tuesday and is the grid's now; it keeps its due time.
    await runInspectionPass(db, beijing(3, 4, 10));
    expect(await rescheduleForRules(db, every(22), beijing(3, 4, 11))).toBe(1);
    expect(await dueOf('p-site')).toBe(beijing(4, 1, 17, 30));
    expect(await dueOf('p-red')).toBe(beijing(3, 3, 17, 30));
  });
});
