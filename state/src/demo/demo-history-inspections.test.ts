import { assessPlaceRisk, DEFAULT_PLACE_RISK_RULES, dueInspectionEscalation } from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateDb } from '../database';
import { STANDARD_WORK_CALENDAR } from '../district/standard-case-config';
import {
  countInspectionEvidence,
  listOpenInspections,
  listPlaces,
  type PlaceTables,
} from '../place.repository';
import { openTestStateDb, stateDialects } from '../testing/state-db-fixture';
import { generateInspectionHistory, seedInspectionHistory } from './demo-history-inspections';
import { seedDemoDistrict } from './seed-demo';

const NOW = Date.UTC(2026, 11, 4, 2, 30);
const DAY = 86_400_000;
const OPTIONS = {
  now: NOW,
  days: 90,
  seed: 20261205,
  rules: DEFAULT_PLACE_RISK_RULES,
  calendar: STANDARD_WORK_CALENDAR,
};
const place = (id: string, kind: 'shop' | 'construction_site', baseLevel: 'green' | 'yellow') => ({
  id,
  gridId: id.replace('place-', ''),
  kind,
  lat: 30.26,
  lng: 120.15,
  baseLevel,
  createdAt: NOW - 90 * DAY,
});
const PLACES = [
  place('place-G01', 'shop', 'green'),
  place('place-G03', 'construction_site', 'yellow'),
  place('place-G05', 'shop', 'green'),
];

describe('the demo’s inspection history', () => {
  const rows = generateInspectionHistory(PLACES, OPTIONS);

  it('is deterministic: the same seed gives the same inspections, another seed others', () => {
    expect(generateInspectionHistory(PLACES, OPTIONS)).toEqual(rows);
    expect(generateInspectionHistory(PLACES, { ...OPTIONS, seed: 7 })).not.toEqual(rows);
  });

  it('leaves each place a chain of done inspections and one open, each scheduled after the last', () => {
    for (const { id } of PLACES) {
      const chain = rows.filter((r) => r.place_id === id);
      expect(chain.length, id).toBeGreaterThan(2);
      const open = chain.filter((r) => r.open_place_id !== null);
      expect(open, id).toHaveLength(1);
      expect(chain.at(-1)).toBe(open[0]);
      for (const [i, row] of chain.entries()) {
        expect(row.due_at).toBeGreaterThan(row.created_at);
        if (i > 0) expect(row.created_at).toBe(chain[i - 1]!.done_at);
        if (row.done_at !== null && row.done_at !== undefined) expect(row.done_at).toBeLessThanOrEqual(NOW);
      }
      expect(chain[0]!.created_at).toBe(NOW - 90 * DAY);
    }
  });

  it('has inspections on time, late (escalated as the ticker would have) and failed with a note', () => {
    const done = rows.filter((r) => r.done_at !== null);
    const late = done.filter((r) => r.done_at! > r.due_at);
    expect(late.length).toBeGreaterThan(3);
    expect(done.length - late.length).toBeGreaterThan(late.length * 3);
    for (const row of late) {
      expect(row.escalation_level).not.toBeNull();
      // Nothing further was due by the time it was done.
      const stored = {
        dueAt: row.due_at,
        escalationLevel: row.escalation_level as 'grid' | 'community' | 'street',
        escalatedAt: row.escalated_at!,
      };
      expect(dueInspectionEscalation(stored, row.done_at!, STANDARD_WORK_CALENDAR)).toBeUndefined();
    }
    for (const row of done.filter((r) => r.done_at! <= r.due_at)) expect(row.escalation_level).toBeNull();
    const failed = done.filter((r) => r.passed === 0);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const row of failed) {
      expect(row.note).toMatch(/\S/); // a failed inspection says what was wrong
      expect(JSON.parse(row.checklist!)).toContainEqual({
        key: expect.any(String),
        ok: false,
        note: row.note,
      });
    }
  });

  it('inspects a place more often once its slips make it yellow or red', () => {
    const site = rows.filter((r) => r.place_id === 'place-G03');
    expect(new Set(site.map((r) => r.level))).toContain('red');
    // A green place that keeps up stays on the monthly round at least some of the time.
    expect(rows.filter((r) => r.place_id === 'place-G05').map((r) => r.level)).toContain('green');
  });
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('the demo’s inspection history in the state database on %s', (dialect) => {
  it('gives every place its inspections, one open, and levels that come from them', async () => {
    const db = await openTestStateDb(dialect);
    open.push(db);
    const seeded = await seedDemoDistrict(db, {
      now: NOW,
      fixedPassword: 'demo-password-1',
      historyDays: 90,
    });
    const places = await listPlaces(db);
    expect(places.length).toBe(10);
    // Registered when the history begins, so their inspections span it.
    for (const p of places) expect(p.createdAt).toBe(NOW - 90 * DAY);
    const openOnes = await listOpenInspections(db);
    expect(openOnes.map((i) => i.placeId).sort()).toEqual(places.map((p) => p.id).sort());
    const stored = await db
      .withTables<PlaceTables>()
      .selectFrom('place_inspections')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // The seed's summary counts them (and the audit entry of the generated history says so).
    expect(Number(stored.n)).toBe((seeded?.history as Record<string, number> | undefined)?.inspections);
    expect(Number(stored.n)).toBeGreaterThan(60);

    const rules = DEFAULT_PLACE_RISK_RULES;
    const evidence = await countInspectionEvidence(
      db,
      places.map((p) => p.id),
      NOW - rules.windowDays * DAY,
      NOW,
    );
    const levels = places.map(
      (p) =>
        assessPlaceRisk(
          {
            alerts: {},
            cases: 0,
            missedInspections: evidence.get(p.id)?.missed ?? 0,
            failedInspections: evidence.get(p.id)?.failed ?? 0,
          },
          rules,
          p.baseLevel,
        ).level,
    );
    // From the inspections alone: some places above their floor, some quiet.
    expect(levels).toContain('green');
    expect(levels.some((level, i) => level !== places[i]!.baseLevel)).toBe(true);

    // Written again (it replaces what is there): as many rows; the time is printed for the record.
    const started = performance.now();
    const again = await db
      .transaction()
      .execute((tx) => seedInspectionHistory(tx, { now: NOW, days: 90, seed: 20261205 }));
    const ms = performance.now() - started;
    console.info(`inspection history (${dialect}): ${again.inspections} inspections in ${Math.round(ms)} ms`);
    expect(again.inspections).toBe(Number(stored.n));
  });
});
