import { listCategories, upsertCategory, type StateDb } from '@gridsense/state';

/**
 * Sets categories to register their patrol and hotline reports automatically, as an administrator
 * would. For suites about what happens after 立案: 立案 by hand is the default (decision 0029),
 * and the 待立案 queue has suites of its own.
 */
export async function registerAutomatically(db: StateDb, now: number, ...keys: string[]): Promise<void> {
  const nodes = await listCategories(db);
  for (const key of keys) {
    const node = nodes.find((n) => n.key === key && n.level === 'category');
    if (!node) throw new Error(`no top-level category ${key}`);
    await upsertCategory(db, { ...node, autoRegister: true }, { id: 'u-admin', name: '系统管理员' }, now);
  }
}
