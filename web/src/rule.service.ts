import {
  apiText,
  AppError,
  atField,
  authorize,
  can,
  regionLineage,
  resourceIn,
  validateRule,
  type Problem,
  type RuleBacktestView,
  type Rule,
  type RuleVersionView,
  type RuleView,
  type User,
} from '@gridsense/core';
import { backtestRule } from '@gridsense/ingest';
import {
  findRule,
  findUserNames,
  insertRule,
  listRuleVersions,
  listRules,
  saveRuleVersion,
  type RuleChange,
} from '@gridsense/state';
import type { WebDeps } from './web-deps';

/** A backtest replays at most this much history. */
const MAX_BACKTEST_MS = 31 * 24 * 3600_000;

export type RuleService = ReturnType<typeof createRuleService>;

/**
 * Rules through the API: read by the command centre, written and backtested by engineers and
 * admins. Every write is a new version with its audit entry, and tells the rule engine (bus
 * `rules.changed`).
 */
export function createRuleService(deps: WebDeps) {
  /**
   * The regions a rule watches: its scope's regions and its devices' grids, the regions of its
   * threshold overrides, or the whole district when its scope names neither regions nor devices.
   */
  const reachOf = (rule: Rule): string[] => {
    const regions = deps.cases.regions();
    const scope = rule.scope;
    const reach = [
      ...(scope?.regionIds ?? []),
      ...(scope?.deviceIds ?? []).map((id) => deps.registry.get(id)?.gridId ?? id),
    ];
    if (reach.length === 0) reach.push(...regions.filter((r) => r.parentId === null).map((r) => r.id));
    if (rule.kind === 'threshold') reach.push(...(rule.overrides ?? []).map((o) => o.regionId));
    return reach;
  };

  /** A rule is the engineer's to write only when everything it watches lies in their region. */
  const requireWritable = (user: User, rule: Rule) => {
    authorize(user, 'rule.write');
    const regions = deps.cases.regions();
    if (!reachOf(rule).every((id) => can(user, 'rule.write', resourceIn(regions, id))))
      throw new AppError('forbidden', apiText('rule.outsideRegion', { id: rule.id }));
  };

  /** Readable when it watches something in the reader's region, or a region above it. */
  const readable = (user: User, rule: Rule): boolean => {
    const regions = deps.cases.regions();
    const above = regionLineage(regions, user.regionId).map((r) => r.id);
    return reachOf(rule).some((id) => above.includes(id) || can(user, 'rule.read', resourceIn(regions, id)));
  };

  /** Validation plus what only the platform knows: the regions and devices named exist. */
  const checkDraft = (input: unknown): Rule => {
    const checked = validateRule(input);
    if (!checked.ok) throw new AppError('validation_failed', apiText('invalid.rule'), checked.errors);
    const rule = checked.rule;
    const regions = new Set(deps.cases.regions().map((r) => r.id));
    const errors: Problem[] = [];
    for (const id of rule.scope?.regionIds ?? [])
      if (!regions.has(id)) errors.push(atField('scope.regionIds', apiText('rule.noRegion', { id })));
    for (const id of rule.scope?.deviceIds ?? [])
      if (!deps.registry.get(id)) errors.push(atField('scope.deviceIds', apiText('rule.noDevice', { id })));
    if (rule.kind === 'threshold')
      for (const o of rule.overrides ?? [])
        if (!regions.has(o.regionId))
          errors.push(atField('overrides', apiText('rule.noRegion', { id: o.regionId })));
    if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.rule'), errors);
    return rule;
  };

  /** The rule, or not_found when it does not exist or lies outside the reader's region. */
  const requireRule = async (user: User, id: string): Promise<RuleView> => {
    const found = await findRule(deps.db, id);
    if (!found || !readable(user, found.rule))
      throw new AppError('not_found', apiText('notFound.rule', { id }));
    return found;
  };

  const announce = async (view: RuleView): Promise<RuleView> => {
    await deps.bus.publish('rules.changed', {
      ruleId: view.rule.id,
      version: view.version,
      at: view.updatedAt,
    });
    return view;
  };

  const actorOf = (user: User) => ({ id: user.id, name: user.displayName });

  /** Writes the next version with its audit entry, or 409 when `expectedVersion` is not the stored one. */
  const saveVersion = async (
    user: User,
    rule: Rule,
    enabled: boolean,
    expectedVersion: number,
    change: RuleChange,
    rolledBackTo?: number,
  ) => {
    const saved = await saveRuleVersion(deps.db, {
      rule,
      enabled,
      expectedVersion,
      now: deps.now(),
      changedBy: actorOf(user),
      change,
      ...(rolledBackTo === undefined ? {} : { rolledBackTo }),
    });
    if (!saved) throw new AppError('conflict', apiText('conflict.rule', { id: rule.id }));
    return announce(saved);
  };

  return {
    async list(user: User): Promise<RuleView[]> {
      authorize(user, 'rule.read');
      return (await listRules(deps.db)).filter((view) => readable(user, view.rule));
    },

    async detail(user: User, id: string): Promise<RuleView & { versions: RuleVersionView[] }> {
      authorize(user, 'rule.read');
      const [view, versions] = await Promise.all([requireRule(user, id), listRuleVersions(deps.db, id)]);
      const ids = versions.flatMap((v) => (v.changedBy ? [v.changedBy] : []));
      const names = await findUserNames(deps.db, [...new Set(ids)]);
      // Versions name who made them; the console shows names, never user ids.
      return {
        ...view,
        versions: versions.map((v) => ({
          ...v,
          changedByName: v.changedBy ? (names.get(v.changedBy) ?? null) : null,
        })),
      };
    },

    async create(user: User, input: unknown): Promise<RuleView> {
      authorize(user, 'rule.write');
      const rule = checkDraft(input);
      requireWritable(user, rule);
      if (await findRule(deps.db, rule.id))
        throw new AppError('conflict', apiText('conflict.ruleExists', { id: rule.id }));
      await insertRule(deps.db, rule, deps.now(), actorOf(user));
      return announce(await requireRule(user, rule.id));
    },

    async update(user: User, id: string, input: unknown, expectedVersion: number): Promise<RuleView> {
      authorize(user, 'rule.write');
      const current = await requireRule(user, id);
      requireWritable(user, current.rule);
      const rule = checkDraft(input);
      if (rule.id !== id)
        throw new AppError('validation_failed', apiText('rule.keepsId'), [
          apiText('field.mustEqual', { field: 'id', value: id }),
        ]);
      requireWritable(user, rule);
      return saveVersion(user, rule, current.enabled, expectedVersion, 'rule.edited');
    },

    async setEnabled(user: User, id: string, enabled: boolean, expectedVersion: number): Promise<RuleView> {
      authorize(user, 'rule.write');
      const current = await requireRule(user, id);
      requireWritable(user, current.rule);
      if (current.enabled === enabled) return current;
      return saveVersion(
        user,
        current.rule,
        enabled,
        expectedVersion,
        enabled ? 'rule.enabled' : 'rule.disabled',
      );
    },

    /** Brings back an old version's definition as the newest version. */
    async rollback(user: User, id: string, toVersion: number, expectedVersion: number): Promise<RuleView> {
      authorize(user, 'rule.write');
      const current = await requireRule(user, id);
      requireWritable(user, current.rule);
      const old = (await listRuleVersions(deps.db, id)).find((v) => v.version === toVersion);
      if (!old) throw new AppError('not_found', apiText('notFound.ruleVersion', { id, version: toVersion }));
      const restored = checkDraft(old.rule);
      requireWritable(user, restored);
      return saveVersion(user, restored, current.enabled, expectedVersion, 'rule.rolled_back', toVersion);
    },

    async backtest(user: User, input: unknown, from: number, to: number): Promise<RuleBacktestView> {
      authorize(user, 'rule.write');
      const errors: Problem[] = [];
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from >= to)
        errors.push(apiText('range.beforeTo'));
      else if (to - from > MAX_BACKTEST_MS) errors.push(apiText('range.backtestDays'));
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.backtest'), errors);
      const rule = checkDraft(input);
      requireWritable(user, rule);
      const devices = deps.registry.all().map(({ id, gridId, type }) => ({ id, gridId, type }));
      const run = (definition: Rule) =>
        backtestRule(definition, { from, to }, { store: deps.store, devices, regions: deps.cases.regions() });
      // The live version of the same rule over the same window, side by side with the draft.
      const current = await findRule(deps.db, rule.id);
      const [draft, live] = await Promise.all([
        run(rule),
        current && readable(user, current.rule) ? run(current.rule) : Promise.resolve(null),
      ]);
      return {
        ...draft,
        live: live && current ? { ...live, version: current.version, enabled: current.enabled } : null,
      };
    },
  };
}
