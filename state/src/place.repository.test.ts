import { DEFAULT_PLACE_RISK_RULES } from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import { caseIn } from '../../core/src/case-test-fixture';
import { insertCase } from './case.repository';
import { insertRegions } from './region.repository';
import type { StateDb } from './database';
import {
  completeInspection,
  countDeviceEvidence,
  countInspectionEvidence,
  deletePlace,
  escalateInspection,
  findPlace,
  insertPlace,
  lastInspectionTimes,
  listOpenInspections,
  listPlaces,
  loadPlaceRiskRules,
  openInspection,
  savePlaceRiskRules,
  setPlaceDevices,
  updatePlace,
  type PlaceFields,
} from './place.repository';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 2, 4, 4);
const DAY = 86_400_000;
const place = (over: Partial<PlaceFields> = {}): PlaceFields => ({
  id: 'p-market',
  name: '望江农贸市场',
  kind: 'shop',
  gridId: 'G01',
  address: '望江路 12 号',
  lat: 30.25,
  lng: 120.17,
  baseLevel: 'green',
  ...over,
});
const checkIn = (at: number, passed = true) => ({
  byId: 'u-worker',
  at,
  position: { lng: 120.17, lat: 30.25, accuracyM: 8 },
  photos: ['/api/photos/00000000-0000-4000-8000-000000000001.jpg'],
  checklist: [{ key: 'gas_safe', ok: passed, note: passed ? null : '软管老化' }],
  passed,
  note: null,
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('places on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return db;
  }

  it('stores, lists by grid, changes and deletes places with their devices', async () => {
    const db = await fresh();
    expect(await insertPlace(db, place(), NOW)).toBe(true);
    expect(await insertPlace(db, place(), NOW)).toBe(false);
    await insertPlace(
      db,
      place({ id: 'p-site', name: '工地', kind: 'construction_site', gridId: 'G02' }),
      NOW,
    );
    expect(await setPlaceDevices(db, 'p-market', ['d-smoke-2', 'd-smoke-1'], NOW)).toEqual({ ok: true });
    expect((await listPlaces(db, { gridIds: ['G01'] })).map((p) => [p.id, p.deviceIds])).toEqual([
      ['p-market', ['d-smoke-1', 'd-smoke-2']],
    ]);
    expect(await listPlaces(db, { gridIds: [] })).toEqual([]);
    expect((await listPlaces(db)).map((p) => p.id).sort()).toEqual(['p-market', 'p-site']);
    // A device belongs to one place.
    expect(await setPlaceDevices(db, 'p-site', ['d-smoke-1', 'd-dust'], NOW)).toEqual({
      ok: false,
      elsewhere: ['d-smoke-1'],
    });
    expect((await findPlace(db, 'p-site'))!.deviceIds).toEqual([]);
    await updatePlace(db, place({ name: '望江市场', baseLevel: 'yellow' }), NOW + 1);
    expect(await findPlace(db, 'p-market')).toMatchObject({
      name: '望江市场',
      baseLevel: 'yellow',
      createdAt: NOW,
      updatedAt: NOW + 1,
      lat: 30.25,
    });
    expect(await deletePlace(db, 'p-market')).toBe(true);
    expect(await findPlace(db, 'p-market')).toBeUndefined();
    // Its devices are free for another place.
    expect(await setPlaceDevices(db, 'p-site', ['d-smoke-1'], NOW)).toEqual({ ok: true });
  });

  it('keeps one open inspection per place; a check-in closes it once; moving the place moves the task', async () => {
    const db = await fresh();
    await insertPlace(db, place(), NOW);
    const task = { placeId: 'p-market', gridId: 'G01', level: 'yellow' as const, dueAt: NOW + DAY };
    const first = await openInspection(db, task, NOW);
    expect(first).toMatchObject({
      placeId: 'p-market',
      dueAt: NOW + DAY,
      doneAt: null,
      escalationLevel: null,
    });
    expect(await openInspection(db, { ...task, dueAt: NOW + 2 * DAY }, NOW)).toBeUndefined();
    await updatePlace(db, place({ gridId: 'G02' }), NOW);
    expect((await listOpenInspections(db, { gridIds: ['G02'] })).map((i) => i.id)).toEqual([first!.id]);
    expect(await listOpenInspections(db, { gridIds: ['G01'] })).toEqual([]);
    expect(await completeInspection(db, first!.id, checkIn(NOW + 10))).toBe(true);
    expect(await completeInspection(db, first!.id, checkIn(NOW + 20))).toBe(false);
    expect(await listOpenInspections(db)).toEqual([]);
    expect(await lastInspectionTimes(db, ['p-market'])).toEqual(new Map([['p-market', NOW + 10]]));
    const next = await openInspection(db, { ...task, dueAt: NOW + 2 * DAY }, NOW + 10);
    expect(next?.id).not.toBe(first!.id);
  });

  it('escalates an overdue inspection one step at a time, each step once', async () => {
    const db = await fresh();
    await insertPlace(db, place(), NOW);
    const task = await openInspection(
      db,
      { placeId: 'p-market', gridId: 'G01', level: 'red', dueAt: NOW },
      NOW,
    );
    expect(await escalateInspection(db, task!.id, null, 'community', NOW + 1)).toBe(true);
    expect(await escalateInspection(db, task!.id, null, 'community', NOW + 2)).toBe(false);
    expect(await escalateInspection(db, task!.id, 'community', 'street', NOW + 3)).toBe(true);
    expect(await escalateInspection(db, task!.id, 'community', 'street', NOW + 4)).toBe(false);
    expect((await listOpenInspections(db, { dueBefore: NOW + 1 }))[0]).toMatchObject({
      escalationLevel: 'street',
      escalatedAt: NOW + 3,
    });
    await completeInspection(db, task!.id, checkIn(NOW + 5));
    const done = await openInspection(
      db,
      { placeId: 'p-market', gridId: 'G01', level: 'red', dueAt: NOW + DAY },
      NOW,
    );
    expect(await escalateInspection(db, task!.id, 'street', 'street', NOW + 6)).toBe(false);
    expect(done).toBeDefined();
  });

  it('counts missed and failed inspections within the window', async () => {
    const db = await fresh();
    await insertPlace(db, place(), NOW - 40 * DAY);
    const task = (dueAt: number) =>
      openInspection(db, { placeId: 'p-market', gridId: 'G01', level: 'yellow', dueAt }, dueAt - DAY);
    // Long ago, missed: outside a 30-day window.
    const old = await task(NOW - 35 * DAY);
    await completeInspection(db, old!.id, checkIn(NOW - 33 * DAY));
    // Done on time but failed.
    const failed = await task(NOW - 20 * DAY);
    await completeInspection(db, failed!.id, checkIn(NOW - 21 * DAY, false));
    // Done a day late: missed.
    const late = await task(NOW - 10 * DAY);
    await completeInspection(db, late!.id, checkIn(NOW - 9 * DAY));
    // Open and overdue: missed.
    await task(NOW - DAY);
    expect(await countInspectionEvidence(db, ['p-market', 'p-none'], NOW - 30 * DAY, NOW)).toEqual(
      new Map([['p-market', { missed: 2, failed: 1 }]]),
    );
  });

  it('counts device alerts per category and the real cases they opened', async () => {
    const db = await fresh();
    // Cases belong to a grid.
    await insertRegions(db, [
      { id: 'D1', level: 'district', parentId: null, name: '上城区', boundary: null },
      { id: 'G01', level: 'grid', parentId: 'D1', name: '江城第1网格', boundary: null },
    ]);
    const store = (
      id: string,
      deviceId: string,
      openedAt: number,
      extra: Parameters<typeof caseIn>[1] = {},
    ) =>
      insertCase(
        db,
        caseIn('closed', { id, deviceId, openedAt, gridId: 'G01', assigneeId: null, ...extra }),
        {
          entries: [],
          nextCheckAt: null,
          newSources: [
            {
              kind: 'auto',
              deviceId,
              ruleId: 'r-smoke',
              category: 'fire_safety',
              eventType: null,
              snapshot: null,
              active: false,
              suppressed: false,
              at: openedAt,
            },
          ],
        },
      );
    await store('c-1', 'd-smoke-1', NOW - DAY);
    await store('c-2', 'd-smoke-1', NOW - 2 * DAY, { closeReason: 'false_alarm' });
    await store('c-old', 'd-smoke-1', NOW - 60 * DAY);
    await store('c-3', 'd-other', NOW - DAY);
    const { alerts, cases } = await countDeviceEvidence(db, ['d-smoke-1', 'd-none'], NOW - 30 * DAY);
    expect(alerts).toEqual(new Map([['d-smoke-1', { fire_safety: 2 }]]));
    expect(cases).toEqual(new Map([['d-smoke-1', 1]]));
  });

  it('stores the tuned risk rules', async () => {
    const db = await fresh();
    expect(await loadPlaceRiskRules(db)).toBeUndefined();
    const rules = { ...DEFAULT_PLACE_RISK_RULES, redFrom: 10 };
    await savePlaceRiskRules(db, rules, { personId: 'u-admin', at: NOW });
    await savePlaceRiskRules(db, { ...rules, yellowFrom: 4 }, { personId: 'u-admin', at: NOW + 1 });
    expect(await loadPlaceRiskRules(db)).toEqual({ ...rules, yellowFrom: 4 });
  });
});
