import type { User } from '@gridsense/core';
import { insertCase, listRegions, seedDemoDistrict, type StateDb } from '@gridsense/state';
import { openTestStateDb, stateDialects, type StateDialect } from '@gridsense/state/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { caseIn } from '../../core/src/case-test-fixture';
import { createIntakeSuggester } from './intake-suggester';

const START = Date.UTC(2026, 11, 4, 2);
const MINUTE = 60_000;
const TAUGHT = { text: '紫色独角兽雕塑', key: 'facility.streetlight.light_out' };
const person = (role: User['role'], regionId: string): User => ({
  id: `u-${role}`,
  username: role,
  displayName: role,
  role,
  regionId,
});
const operator = person('operator', 'D1');

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

async function demo(dialect: StateDialect) {
  const db = await openTestStateDb(dialect);
  open.push(db);
  await seedDemoDistrict(db, { now: START, fixedPassword: 'demo-password-1' });
  const regions = await listRegions(db);
  let stored = 0;
  /** `n` more closed cases that teach TAUGHT. */
  const close = async (n: number) => {
    for (let i = 0; i < n; i++, stored++)
      await insertCase(
        db,
        caseIn('closed', {
          id: `closed-${stored}`,
          title: TAUGHT.text,
          description: `${TAUGHT.text}掉漆`,
          category: 'facility',
          subcategory: 'facility.streetlight',
          caseType: TAUGHT.key,
          gridId: 'G01',
          deviceId: null,
          ruleId: null,
          assigneeId: null,
          dispatcherId: null,
        }),
        { entries: [], nextCheckAt: null },
      );
  };
  const clock = { now: START };
  return { db, regions, close, clock };
}

describe.each(stateDialects())('the intake suggester (%s)', (dialect) => {
  it('trains at first use and again once 20 more cases closed, or an hour later if any did', async () => {
    const { db, regions, close, clock } = await demo(dialect);
    const suggester = createIntakeSuggester({ db, now: () => clock.now, regions: () => regions });
    const first = await suggester.suggest(operator, TAUGHT.text);
    expect(first.trainedOn).toEqual({ closedCases: 0, seedTexts: expect.any(Number) as number });
    expect(first.suggestions[0]?.key).not.toBe(TAUGHT.key);

    await close(5);
    clock.now += 2 * MINUTE;
    expect((await suggester.suggest(operator, TAUGHT.text)).trainedOn.closedCases).toBe(0);

    clock.now += 60 * MINUTE;
    const hourLater = await suggester.suggest(operator, TAUGHT.text);
    expect(hourLater.trainedOn.closedCases).toBe(5);
    expect(hourLater.suggestions[0]?.key).toBe(TAUGHT.key);

    await close(20);
    clock.now += 30_000;
    // Counted at most once a minute.
    expect((await suggester.suggest(operator, TAUGHT.text)).trainedOn.closedCases).toBe(5);
    clock.now += MINUTE;
    expect((await suggester.suggest(operator, TAUGHT.text)).trainedOn.closedCases).toBe(25);
  });

  it('leaves the seed texts out once enough cases have closed', async () => {
    const { db, regions, close, clock } = await demo(dialect);
    await close(3);
    const suggester = createIntakeSuggester({
      db,
      now: () => clock.now,
      regions: () => regions,
      minClosedCases: 3,
    });
    const answer = await suggester.suggest(operator, '独角兽');
    expect(answer.trainedOn).toEqual({ closedCases: 3, seedTexts: 0 });
    expect(answer.suggestions.map((s) => s.key)).toEqual([TAUGHT.key]);
    expect(answer.suggestions[0]!.confidence).toBe(1);
    // Without the seed texts nothing is known of gas.
    expect((await suggester.suggest(operator, '燃气味')).suggestions).toEqual([]);
  });

  it('routes each suggestion as the dispatch rules route it in the person’s region', async () => {
    const { db, regions, clock } = await demo(dialect);
    const suggester = createIntakeSuggester({ db, now: () => clock.now, regions: () => regions });
    const text = '路口有人摆摊卖水果，占道经营';
    const district = await suggester.suggest(operator, text);
    expect(district.suggestions[0]).toMatchObject({
      key: 'city_appearance.street_order.street_vending',
      category: 'city_appearance',
      subcategory: 'city_appearance.street_order',
      caseType: 'city_appearance.street_order.street_vending',
      route: { kind: 'department', departmentId: 'dept-cgj', departmentName: '区城市管理局' },
    });
    // 湖滨街道 (S2) has its own rule: the grid worker persuades first.
    const s2 = await suggester.suggest(person('supervisor', 'S2'), text);
    expect(s2.suggestions[0]).toMatchObject({ route: { kind: 'grid_duty' } });
    await expect(suggester.suggest(person('engineer', 'D1'), text)).rejects.toThrow(
      'engineer may not file patrol reports',
    );
  });
});
