import {
  completeInspection,
  deletePlace,
  insertPlace,
  listOpenInspections,
  listPlaces,
  setPersonLocale,
} from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from './testing/case-env';

/**
 * A missed 巡检 heard like a broken deadline, on a fake clock: the grid's workers at the due time,
 * the community's secretary half a working day later, the street a working day after that; each
 * notice once, in its reader's language, and none for an inspection done in time.
 * 2026-03-02 is a Monday; the demo's calendar works 09:00–12:00 and 13:30–17:30.
 */
describe.each(stateDialects())('notices of a missed inspection on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  async function startWithOnePlace(): Promise<CaseEnv> {
    const started = await startCaseEnv({ dialect, start: beijing(2026, 3, 2, 10) });
    // Only this test's place: the demo's own places would be scheduled and escalated too.
    for (const demo of await listPlaces(started.db)) await deletePlace(started.db, demo.id);
    await insertPlace(
      started.db,
      {
        id: 'p-market',
        name: '望江农贸市场',
        kind: 'shop',
        gridId: 'G01',
        address: '望江路 12 号',
        lat: 30.262,
        lng: 120.153,
        baseLevel: 'red',
      },
      started.clock.now(),
    );
    return started;
  }

  /** Moves the clock and runs one inspection pass and the delivery; returns the steps taken. */
  async function at(time: number): Promise<number> {
    env.clock.set(time);
    const { escalated } = (await env.alerts.inspections.tick())!;
    await env.deliver();
    return escalated;
  }

  it('tells the grid at the due time, then the community, then the street, each once', async () => {
    env = await startWithOnePlace();
    await setPersonLocale(env.db, 'u-sup1', 'en');
    expect(await at(beijing(2026, 3, 2, 10, 1))).toBe(0); // scheduled: red, due Tuesday's close
    expect(await at(beijing(2026, 3, 3, 17, 29))).toBe(0);
    expect(env.notified).toHaveLength(0);

    expect(await at(beijing(2026, 3, 3, 17, 30))).toBe(1);
    expect(env.linesFor('u-worker01')).toEqual([
      '巡检超期：望江农贸市场（时限 03-03 17:30），请尽快到场巡检',
    ]);
    expect(env.linesFor('u-sup1')).toEqual([]);
    const overdue = env.notified.find((n) => n.userId === 'u-worker01')!.notice;
    expect(overdue).toMatchObject({
      kind: 'inspection_overdue',
      title: '望江农贸市场（江城社区第1网格）',
      caseIds: [],
      // Live as in the list: it names its place, for the bell to open the places.
      placeId: 'p-market',
    });
    // Passes in between take no step and send nothing more.
    expect(await at(beijing(2026, 3, 4, 10))).toBe(0);
    expect(env.linesFor('u-worker01')).toHaveLength(1);

    expect(await at(beijing(2026, 3, 4, 14))).toBe(1);
    // The secretary reads English (their choice); the worker hears again, the task is still theirs.
    expect(env.linesFor('u-sup1')).toEqual([
      'Inspection still not done, escalated to the community: 望江农贸市场 (due 03-03 17:30)',
    ]);
    expect(env.linesFor('u-worker01').at(-1)).toBe(
      '巡检超期未做，已上报社区：望江农贸市场（时限 03-03 17:30）',
    );
    expect(env.linesFor('u-street1')).toEqual([]);

    expect(await at(beijing(2026, 3, 5, 13, 59))).toBe(0);
    expect(await at(beijing(2026, 3, 5, 14))).toBe(1);
    expect(env.linesFor('u-street1')).toEqual(['巡检超期未做，已上报街道：望江农贸市场（时限 03-03 17:30）']);
    expect(env.notified.find((n) => n.userId === 'u-street1')!.notice.kind).toBe('escalated');
    // The street is the last step: later passes send nothing.
    const sent = env.notified.length;
    expect(await at(beijing(2026, 3, 9, 10))).toBe(0);
    expect(env.notified).toHaveLength(sent);
    expect(env.errors).toEqual([]);
  });

  it('sends nothing for an inspection checked in before its due time', async () => {
    env = await startWithOnePlace();
    await at(beijing(2026, 3, 2, 10, 1));
    const [open] = await listOpenInspections(env.db);
    const done = await completeInspection(env.db, open!.id, {
      byId: 'u-worker01',
      at: beijing(2026, 3, 3, 11),
      position: { lng: 120.153, lat: 30.262, accuracyM: 5 },
      photos: [],
      checklist: [],
      passed: true,
      note: null,
    });
    expect(done).toBe(true);
    // The next one is due Wednesday's close; Tuesday's close passes quietly.
    expect(await at(beijing(2026, 3, 3, 17, 30))).toBe(0);
    expect((await listOpenInspections(env.db))[0]).toMatchObject({
      placeId: 'p-market',
      dueAt: beijing(2026, 3, 4, 17, 30),
      escalationLevel: null,
    });
    expect(env.notified).toHaveLength(0);
  });
});
