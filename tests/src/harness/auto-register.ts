import type { CaseCategoryNode } from '@gridsense/core';
import type { ApiClient } from './test-platform';

/**
 * Sets categories to register their patrol and hotline reports automatically, as an administrator
 * does in the taxonomy page. For suites about what happens after 立案 (routing, work, merging):
 * 立案 by hand is the default (decision 0029), and the 待立案 queue has suites of its own.
 */
export async function registerAutomatically(admin: ApiClient, ...keys: string[]): Promise<void> {
  const config = await admin.call<{ categories: CaseCategoryNode[] }>('GET', '/api/case-config');
  for (const key of keys) {
    const node = config.body.categories.find((c) => c.key === key && c.level === 'category');
    if (!node) throw new Error(`no top-level category ${key}`);
    const set = await admin.call('PUT', `/api/admin/categories/${key}`, { ...node, autoRegister: true });
    if (set.status !== 200) throw new Error(`${key}: ${set.status} ${JSON.stringify(set.body)}`);
  }
}
