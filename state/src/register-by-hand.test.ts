import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listCategories } from './case-config.repository';
import { seedStandardCaseConfig } from './district/standard-case-config';
import { registerByHand } from './migrations/0033-register-by-hand';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

/** Migration 0033 and the standard taxonomy: 立案 by hand is the default, safety hazards stay automatic. */
describe.each(stateDialects())('立案 by hand by default (%s)', (dialect) => {
  const row = (key: string, safety: 0 | 1, level = 'category') => ({
    key,
    level,
    name: key,
    safety,
    matches: '[]',
    sort: 0,
  });

  it('0033 turns every non-safety category to 立案 by hand, keeps what safety ones had, and defaults new ones to it', async () => {
    const db = await openTestStateDb(dialect);
    const raw = db as unknown as Kysely<unknown>;
    try {
      // As a database stood before 0033: the column defaulted to 1 (automatic).
      await registerByHand.down!(raw);
      await db
        .insertInto('case_categories')
        .values([
          row('fire_safety', 1),
          row('city_appearance', 0),
          row('fire_safety.exits', 1, 'subcategory'),
        ])
        .execute();
      await db
        .insertInto('case_categories')
        .values({ ...row('gas_safety', 1), auto_register: 0 })
        .execute();
      expect((await listCategories(db)).every((n) => n.autoRegister === (n.key !== 'gas_safety'))).toBe(true);

      await registerByHand.up(raw);
      await db.insertInto('case_categories').values(row('traffic', 0)).execute();
      const flags = Object.fromEntries((await listCategories(db)).map((n) => [n.key, n.autoRegister]));
      expect(flags).toEqual({
        fire_safety: true,
        'fire_safety.exits': true,
        // An administrator had set it to wait: it still does.
        gas_safety: false,
        city_appearance: false,
        traffic: false,
      });

      // Down again keeps each row's value and brings back the old default.
      await registerByHand.down!(raw);
      await db.insertInto('case_categories').values(row('flood', 1)).execute();
      const back = Object.fromEntries((await listCategories(db)).map((n) => [n.key, n.autoRegister]));
      expect(back).toMatchObject({ fire_safety: true, city_appearance: false, flood: true });
    } finally {
      await db.destroy();
    }
  });

  it('the standard taxonomy registers safety categories automatically and leaves the rest to the desk', async () => {
    const db = await openTestStateDb(dialect);
    try {
      await db.transaction().execute((tx) => seedStandardCaseConfig(tx));
      const top = (await listCategories(db)).filter((n) => n.level === 'category');
      const automatic = top.filter((n) => n.autoRegister).map((n) => n.key);
      expect(automatic.sort()).toEqual(
        ['electrical_safety', 'fire_safety', 'flood', 'gas_safety', 'structural_safety'].sort(),
      );
      expect(
        top
          .filter((n) => n.safety)
          .map((n) => n.key)
          .sort(),
      ).toEqual(automatic.sort());
    } finally {
      await db.destroy();
    }
  });
});
