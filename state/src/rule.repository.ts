import {
  inEnglish,
  validateRule,
  type Rule,
  type RuleVersionView,
  type RuleView,
  type Severity,
} from '@gridsense/core';
import { appendAudit } from './audit.repository';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';

/** The engine's saved state of one (rule, subject); `state` is the engine's own JSON. */
export interface RuleStateRow {
  ruleId: string;
  subject: string;
  severity: Severity | null;
  state: string;
  updatedAt: number;
}

export async function listEnabledRules(db: StateDb): Promise<Rule[]> {
  const rows = await db.selectFrom('rules').select('definition').where('enabled', '=', 1).execute();
  return rows.map((r) => JSON.parse(r.definition) as Rule);
}

export async function listRules(db: StateDb): Promise<RuleView[]> {
  const rows = await db.selectFrom('rules').selectAll().orderBy('id').execute();
  return rows.map(toView);
}

export async function findRule(db: StateDb, id: string): Promise<RuleView | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toView(row);
}

/** How a rule's new version came about, as its audit entry names it. */
export type RuleChange =
  'rule.created' | 'rule.edited' | 'rule.enabled' | 'rule.disabled' | 'rule.rolled_back';

/** The audit entry of a rule version: the whole definition, so the log alone shows what changed. */
async function auditRuleVersion(
  db: StateDb,
  actor: AuditActor,
  change: RuleChange,
  at: number,
  data: { rule: Rule; enabled: boolean; version: number; rolledBackTo?: number },
): Promise<void> {
  await appendAudit(db, [
    {
      at,
      actorId: actor.id,
      actorName: actor.name,
      action: change,
      entityType: 'rule',
      entityId: data.rule.id,
      data,
    },
  ]);
}

/**
 * A new rule at version 1 (its history starts here). Throws on an invalid definition. With an
 * actor (a person through the API) the audit entry is written in the same transaction.
 */
export async function insertRule(db: StateDb, rule: Rule, now: number, changedBy: AuditActor | null = null) {
  const checked = validateRule(rule);
  if (!checked.ok) throw new Error(`invalid rule ${rule.id}: ${inEnglish(checked.errors).join('; ')}`);
  const definition = JSON.stringify(rule);
  const write = async (tx: StateDb) => {
    await tx
      .insertInto('rules')
      .values({
        id: rule.id,
        name: rule.name,
        kind: rule.kind,
        definition,
        enabled: 1,
        version: 1,
        updated_at: now,
      })
      .execute();
    await tx
      .insertInto('rule_versions')
      .values({
        rule_id: rule.id,
        version: 1,
        definition,
        enabled: 1,
        changed_at: now,
        changed_by: changedBy?.id ?? null,
      })
      .execute();
    if (changedBy)
      await auditRuleVersion(tx, changedBy, 'rule.created', now, { rule, enabled: true, version: 1 });
  };
  await (db.isTransaction ? write(db) : db.transaction().execute(write));
}

/**
 * Writes the next version of a rule (new definition and/or enabled flag) and its audit entry if
 * the stored version is still `expectedVersion`; returns the new view, or undefined when someone
 * else got there first.
 */
export async function saveRuleVersion(
  db: StateDb,
  change: {
    rule: Rule;
    enabled: boolean;
    expectedVersion: number;
    now: number;
    changedBy: AuditActor;
    change: RuleChange;
    rolledBackTo?: number;
  },
): Promise<RuleView | undefined> {
  const { rule, enabled, expectedVersion, now, changedBy } = change;
  const definition = JSON.stringify(rule);
  const version = expectedVersion + 1;
  return db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('rules')
      .set({
        name: rule.name,
        kind: rule.kind,
        definition,
        enabled: enabled ? 1 : 0,
        version,
        updated_at: now,
      })
      .where('id', '=', rule.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return undefined;
    await tx
      .insertInto('rule_versions')
      .values({
        rule_id: rule.id,
        version,
        definition,
        enabled: enabled ? 1 : 0,
        changed_at: now,
        changed_by: changedBy.id,
      })
      .execute();
    await auditRuleVersion(tx, changedBy, change.change, now, {
      rule,
      enabled,
      version,
      ...(change.rolledBackTo === undefined ? {} : { rolledBackTo: change.rolledBackTo }),
    });
    return { rule, enabled, version, updatedAt: now };
  });
}

export async function listRuleVersions(db: StateDb, id: string): Promise<RuleVersionView[]> {
  const rows = await db
    .selectFrom('rule_versions')
    .selectAll()
    .where('rule_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    rule: JSON.parse(r.definition) as Rule,
    enabled: r.enabled === 1,
    changedAt: Number(r.changed_at),
    changedBy: r.changed_by,
  }));
}

export async function loadRuleStates(db: StateDb): Promise<RuleStateRow[]> {
  const rows = await db.selectFrom('rule_states').selectAll().execute();
  return rows.map((r) => ({
    ruleId: r.rule_id,
    subject: r.subject,
    severity: r.severity as Severity | null,
    state: r.state,
    updatedAt: Number(r.updated_at),
  }));
}

/** Applies the engine's changes in one transaction. */
export async function saveRuleStates(
  db: StateDb,
  upserts: readonly RuleStateRow[],
  deletes: readonly { ruleId: string; subject: string }[],
): Promise<void> {
  if (upserts.length === 0 && deletes.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const row of upserts) {
      const values = { severity: row.severity, state: row.state, updated_at: row.updatedAt };
      await tx
        .insertInto('rule_states')
        .values({ rule_id: row.ruleId, subject: row.subject, ...values })
        .onConflict((oc) => oc.columns(['rule_id', 'subject']).doUpdateSet(values))
        .execute();
    }
    for (const { ruleId, subject } of deletes) {
      await tx
        .deleteFrom('rule_states')
        .where('rule_id', '=', ruleId)
        .where('subject', '=', subject)
        .execute();
    }
  });
}

function toView(row: { definition: string; enabled: number; version: number; updated_at: number }): RuleView {
  return {
    rule: JSON.parse(row.definition) as Rule,
    enabled: row.enabled === 1,
    version: row.version,
    updatedAt: Number(row.updated_at),
  };
}
