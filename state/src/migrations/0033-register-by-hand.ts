import type { Kysely, Migration } from 'kysely';

/**
 * 立案 of a patrol or hotline report is the desk's decision unless its category says otherwise:
 * `case_categories.auto_register` now defaults to 0. SQLite cannot change a column's default, so
 * the column is rebuilt on both engines, keeping each row's value, except that categories which are
 * not safety categories now wait for 立案 (decision 0029): safety hazards (fire, gas, electricity,
 * flood, buildings) stay automatic unless an administrator had already set them to wait.
 */
export const registerByHand: Migration = {
  async up(db: Kysely<unknown>) {
    await rebuildAutoRegister(db, 0, (row) => row.auto_register === 1 && row.safety === 1);
  },
  async down(db: Kysely<unknown>) {
    await rebuildAutoRegister(db, 1, (row) => row.auto_register === 1);
  },
};

interface CategoryFlag {
  key: string;
  safety: number;
  auto_register: number;
}

async function rebuildAutoRegister(
  db: Kysely<unknown>,
  defaultValue: 0 | 1,
  automatic: (row: CategoryFlag) => boolean,
): Promise<void> {
  const typed = db as Kysely<{ case_categories: CategoryFlag }>;
  const rows = await typed.selectFrom('case_categories').select(['key', 'safety', 'auto_register']).execute();
  await db.schema.alterTable('case_categories').dropColumn('auto_register').execute();
  await db.schema
    .alterTable('case_categories')
    .addColumn('auto_register', 'integer', (c) => c.notNull().defaultTo(defaultValue))
    .execute();
  // Every row written explicitly: the new column filled each with its default.
  for (const value of [0, 1]) {
    const keys = rows.filter((row) => automatic(row) === (value === 1)).map((row) => row.key);
    if (keys.length > 0)
      await typed
        .updateTable('case_categories')
        .set({ auto_register: value })
        .where('key', 'in', keys)
        .execute();
  }
}
