import { validateRule, type Rule } from '@gridsense/core';
import type { StateDb } from './database';

export async function listEnabledRules(db: StateDb): Promise<Rule[]> {
  const rows = await db.selectFrom('rules').select('definition').where('enabled', '=', 1).execute();
  return rows.map((r) => JSON.parse(r.definition) as Rule);
}

export async function insertRule(db: StateDb, rule: Rule, now: number): Promise<void> {
  const checked = validateRule(rule);
  if (!checked.ok) throw new Error(`invalid rule ${rule.id}: ${checked.errors.join('; ')}`);
  await db
    .insertInto('rules')
    .values({
      id: rule.id,
      name: rule.name,
      kind: rule.kind,
      definition: JSON.stringify(rule),
      enabled: 1,
      version: 1,
      updated_at: now,
    })
    .execute();
}
