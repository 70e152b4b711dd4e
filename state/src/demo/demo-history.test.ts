import {
  CASE_MOVES,
  computeCaseStats,
  DEFAULT_SLAS,
  type CaseAction,
  type CaseRecord,
  type SlaEntry,
} from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import { listCasesOpenedBetween } from '../case.repository';
import { getWorkCalendar, listCategories, listSlas } from '../case-config.repository';
import type { StateDb } from '../database';
import { buildStandardSlas, buildStandardTaxonomy } from '../district/standard-taxonomy';
import { STANDARD_WORK_CALENDAR } from '../district/standard-case-config';
import { openTestStateDb, stateDialects } from '../testing/state-db-fixture';
import { generateDemoHistory, seedDemoHistory } from './demo-history';
import { seedDemoDistrict } from './seed-demo';

const NOW = Date.UTC(2026, 11, 4, 2, 30);
const DAY = 86_400_000;
const POLICY = {
  categories: buildStandardTaxonomy(),
  slas: buildStandardSlas() as SlaEntry[],
  calendar: STANDARD_WORK_CALENDAR,
  returnLimit: 2,
};

/** What a history is, counted: the same seed must give the same counts (and the same cases). */
function tally(cases: { record: CaseRecord }[]) {
  const count = (key: (c: CaseRecord) => string) => {
    const out: Record<string, number> = {};
    for (const { record } of cases) out[key(record)] = (out[key(record)] ?? 0) + 1;
    return out;
  };
  return {
    total: cases.length,
    byState: count((c) => c.state),
    bySource: count((c) => c.source),
    byGrid: count((c) => c.gridId),
  };
}

describe('the demo history generator', () => {
  const history = generateDemoHistory(POLICY, { now: NOW });
  const records = history.cases.map((c) => c.record);

  it('is deterministic: the same seed gives the same cases, another seed another history', () => {
    const again = generateDemoHistory(POLICY, { now: NOW });
    expect(tally(again.cases)).toEqual(tally(history.cases));
    expect(again.cases.map((c) => c.record)).toEqual(records);
    expect(tally(generateDemoHistory(POLICY, { now: NOW, seed: 7 }).cases)).not.toEqual(tally(history.cases));
  });

  it('spans ~90 days with about a dozen cases a day, all of it before now', () => {
    expect(records.length).toBeGreaterThan(800);
    expect(records.length).toBeLessThan(1600);
    const opened = records.map((r) => r.openedAt);
    expect(Math.min(...opened)).toBeLessThan(NOW - 89 * DAY);
    for (const { record, entries } of history.cases) {
      for (const e of entries) expect(e.at).toBeLessThanOrEqual(NOW);
      expect(record.updatedAt).toBe(entries.at(-1)!.at);
    }
  });

  it('no case makes a move outside core’s transition table, and each timeline ends in its state', () => {
    for (const { record, entries } of history.cases) {
      expect(entries[0]).toMatchObject({ action: 'report', fromState: null, toState: 'reported' });
      let state = 'reported';
      let at = record.openedAt;
      for (const e of entries.slice(1)) {
        const move = CASE_MOVES[e.action as CaseAction];
        expect(move, `${record.id}: ${e.action}`).toBeDefined();
        expect(e.fromState).toBe(state);
        expect(move.from, `${record.id}: ${e.action} from ${state}`).toContain(state);
        // A move either lands where the table says or keeps the state (feedback may close or reopen).
        if (move.to !== 'same') expect(e.toState).toBe(move.to);
        expect(e.at).toBeGreaterThanOrEqual(at);
        state = e.toState;
        at = e.at;
      }
      expect(record.state).toBe(state);
    }
  });

  it('has every channel and every kind of life: late, returned, rejected, supervised, reopened, voided, open', () => {
    const t = tally(history.cases);
    expect(Object.keys(t.bySource).sort()).toEqual(['auto', 'hotline', 'patrol']);
    expect(Object.keys(t.byGrid)).toHaveLength(12);
    const actions = new Set(history.cases.flatMap((c) => c.entries.map((e) => e.action)));
    for (const action of [
      'register',
      'dispatch',
      'accept',
      'arrive',
      'resolve',
      'verify',
      'close',
      'feedback',
      'return',
      'reject',
      'escalate',
      'supervise',
      'void',
      'request_extension',
      'approve_extension',
    ])
      expect(actions, action).toContain(action);
    expect(records.filter((r) => r.acceptedOnTime === false).length).toBeGreaterThan(50);
    expect(records.filter((r) => r.resolvedOnTime === false).length).toBeGreaterThan(20);
    expect(records.filter((r) => r.returnCount > 0).length).toBeGreaterThan(20);
    expect(records.filter((r) => r.supervisedAt !== null).length).toBeGreaterThan(10);
    expect(records.filter((r) => r.supervisionReason === 'reopened').length).toBeGreaterThan(0);
    expect(records.filter((r) => r.closeReason !== null).length).toBeGreaterThan(20);
    expect(records.filter((r) => r.satisfaction !== null).length).toBeGreaterThan(200);
    expect(t.byState.closed).toBeGreaterThan(records.length * 0.7);
    expect(records.filter((r) => r.state !== 'closed').length).toBeGreaterThan(5);
  });

  it('falls back to the default deadlines when the SLA table is empty', () => {
    const bare = generateDemoHistory({ ...POLICY, slas: [] }, { now: NOW, days: 10 });
    expect(bare.cases.length).toBeGreaterThan(50);
    expect(DEFAULT_SLAS.warning.accept).toBe('30m');
  });
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('the demo history in the state database on %s', (dialect) => {
  it('is written in one go, quickly, and gives 30 days of analytics', async () => {
    const db = await openTestStateDb(dialect);
    open.push(db);
    await seedDemoDistrict(db, { now: NOW, fixedPassword: 'demo-password-1' });
    const started = performance.now();
    const summary = await db.transaction().execute((tx) => seedDemoHistory(tx, { now: NOW }));
    const ms = performance.now() - started;
    // The budget for the whole first-start addition is 5 s; the cases take a fraction.
    expect(ms).toBeLessThan(5_000);
    console.info(
      `demo history (${dialect}): ${summary.cases} cases, ${summary.events} events in ${Math.round(ms)} ms`,
    );

    const stored = await db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(summary.cases);
    const events = await db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(summary.events);
    // The same history as generated from the stored policy (the seed read it back the same way).
    const policy = {
      categories: await listCategories(db),
      slas: await listSlas(db),
      calendar: await getWorkCalendar(db),
      returnLimit: 2,
    };
    expect(generateDemoHistory(policy, { now: NOW }).cases).toHaveLength(summary.cases);

    const grids = [
      ...new Set((await db.selectFrom('cases').select('grid_id').execute()).map((r) => r.grid_id)),
    ];
    const month = await listCasesOpenedBetween(db, NOW - 30 * DAY, NOW, grids);
    const stats = computeCaseStats(month, { from: NOW - 30 * DAY, to: NOW, now: NOW });
    expect(stats.opened).toBeGreaterThan(250);
    expect(stats.responseRate.value).toBeGreaterThan(0.6);
    expect(stats.responseRate.value).toBeLessThan(1);
    expect(stats.satisfactionRate.value).toBeGreaterThan(0.5);
    expect(stats.trend.length).toBeGreaterThanOrEqual(29);
    expect(stats.overdue).toBeGreaterThan(0);
  });
});
