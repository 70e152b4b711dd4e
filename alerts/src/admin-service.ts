import {
  apiText,
  AppError,
  authorize,
  can,
  NOTICE_KINDS,
  resourceIn,
  SEVERITIES,
  validateCategoryNode,
  validateDispatchRule,
  validateFusionConfig,
  validateRosterShift,
  validateSla,
  validateWorkCalendar,
  type NoticeKind,
  type Problem,
  type Region,
  type RosterShift,
  type Severity,
  type User,
} from '@gridsense/core';
import {
  deleteChannel,
  deleteDispatchRule,
  deleteRosterShift,
  findUserById,
  getFusionConfig,
  insertRosterShift,
  listCategories,
  listChannels,
  listDepartments,
  listDispatchRules,
  listRosterShifts,
  setFusionConfig,
  setWorkCalendar,
  upsertCategory,
  upsertChannel,
  upsertDispatchRule,
  upsertSla,
  type NotificationChannel,
  type StateDb,
} from '@gridsense/state';

function invalid(errors: Problem[]): never {
  throw new AppError('validation_failed', apiText('invalid.input'), errors);
}

/** Validates a notification channel from JSON (the URL must be http(s)). */
export function validateChannel(input: unknown, regions: readonly Region[]): NotificationChannel {
  if (typeof input !== 'object' || input === null)
    invalid([apiText('field.mustBeObject', { field: 'channel' })]);
  const c = input as Record<string, unknown>;
  const errors: Problem[] = [];
  if (typeof c.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(c.id))
    errors.push(apiText('field.charsRange', { field: 'id', min: 1, max: 64, chars: 'A-Z a-z 0-9 _ -' }));
  if (!['webhook', 'dingtalk', 'wecom'].includes(c.kind as string)) errors.push(apiText('channel.kindOneOf'));
  if (typeof c.name !== 'string' || !c.name.trim()) errors.push(apiText('field.required', { field: 'name' }));
  if (typeof c.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(c.url))
    errors.push(apiText('field.httpUrl', { field: 'url' }));
  if (c.secret !== undefined && c.secret !== null && typeof c.secret !== 'string')
    errors.push(apiText('field.mustBeString', { field: 'secret' }));
  if (!regions.some((r) => r.id === c.regionId)) errors.push(apiText('field.region', { field: 'regionId' }));
  if (!SEVERITIES.includes(c.minSeverity as Severity))
    errors.push(apiText('field.oneOf', { field: 'minSeverity', values: SEVERITIES.join(', ') }));
  if (!Array.isArray(c.kinds) || c.kinds.some((k) => !NOTICE_KINDS.includes(k as NoticeKind)))
    errors.push(apiText('field.listOf', { field: 'kinds', values: NOTICE_KINDS.join(', ') }));
  if (typeof c.enabled !== 'boolean') errors.push(apiText('field.mustBeTrueOrFalse', { field: 'enabled' }));
  if (errors.length > 0) invalid(errors);
  return { ...(input as NotificationChannel), secret: (c.secret as string | null | undefined) ?? null };
}

/**
 * Administrators' changes to the case rules, each validated and audited with its author, and
 * each within the administrator's region: dispatch rules, rosters and channels of regions in it;
 * the taxonomy, deadlines and calendar are district-wide, so only a district administrator's.
 */
export function createCaseAdmin(deps: { db: StateDb; now: () => number; regions: () => Region[] }) {
  const { db } = deps;
  const actorOf = (user: User) => {
    authorize(user, 'case_config.manage');
    return { id: user.id, name: user.displayName };
  };
  const regionExists = (id: string) => deps.regions().some((r) => r.id === id);
  const inScope = (user: User, regionId: string) =>
    can(user, 'case_config.manage', resourceIn(deps.regions(), regionId));
  /** For what holds district-wide: the administrator's region must be the district. */
  const districtActorOf = (user: User) => {
    const actor = actorOf(user);
    const district = deps.regions().find((r) => r.parentId === null);
    authorize(
      user,
      'case_config.manage',
      district ? resourceIn(deps.regions(), district.id) : { lineage: [] },
    );
    return actor;
  };
  /** Whose region a roster shift lies in: its grid's, or its department's. */
  const shiftRegion = async (shift: RosterShift): Promise<string | undefined> =>
    shift.scopeKind === 'grid'
      ? deps.regions().find((r) => r.id === shift.scopeId && r.level === 'grid')?.id
      : (await listDepartments(db)).find((d) => d.id === shift.scopeId)?.regionId;

  return {
    async setDispatchRule(user: User, input: unknown) {
      const actor = actorOf(user);
      const parsed = validateDispatchRule(input);
      if (!parsed.ok) invalid(parsed.errors);
      const errors: Problem[] = !regionExists(parsed.rule.regionId)
        ? [apiText('config.noRegion', { id: parsed.rule.regionId })]
        : inScope(user, parsed.rule.regionId)
          ? []
          : [apiText('field.regionInScope', { field: 'regionId' })];
      const departments = (await listDepartments(db)).map((d) => d.id);
      for (const ref of [parsed.rule.lead, ...parsed.rule.coHandlers]) {
        if (ref.kind === 'department' && !departments.includes(ref.departmentId))
          errors.push(apiText('config.noDepartment', { id: ref.departmentId }));
        if (ref.kind === 'user' && !(await findUserById(db, ref.userId)))
          errors.push(apiText('config.noUser', { id: ref.userId }));
      }
      if (errors.length > 0) invalid(errors);
      const existing = await listDispatchRules(db);
      const sort = existing.findIndex((r) => r.id === parsed.rule.id);
      // Another region's rule of that id is not the administrator's to overwrite.
      const { id } = parsed.rule;
      if (sort >= 0 && !inScope(user, existing[sort]!.regionId))
        throw new AppError('not_found', apiText('notFound.dispatchRule', { id }));
      await upsertDispatchRule(db, parsed.rule, actor, deps.now(), sort < 0 ? existing.length : sort);
      return parsed.rule;
    },
    async deleteDispatchRule(user: User, id: string) {
      const actor = actorOf(user);
      const rule = (await listDispatchRules(db)).find((r) => r.id === id);
      if (rule && !inScope(user, rule.regionId))
        throw new AppError('not_found', apiText('notFound.dispatchRule', { id }));
      await deleteDispatchRule(db, id, actor, deps.now());
    },

    /** The rules that can route cases in the administrator's region: its own and those above it. */
    async listDispatchRules(user: User) {
      actorOf(user);
      const above = resourceIn(deps.regions(), user.regionId).lineage;
      return (await listDispatchRules(db)).filter(
        (r) => above.includes(r.regionId) || inScope(user, r.regionId),
      );
    },

    async setCategory(user: User, input: unknown) {
      const actor = districtActorOf(user);
      const parsed = validateCategoryNode(input, await listCategories(db));
      if (!parsed.ok) invalid(parsed.errors);
      await upsertCategory(db, parsed.node, actor, deps.now());
      return parsed.node;
    },

    async setSla(user: User, category: string, severity: string, input: unknown) {
      const actor = districtActorOf(user);
      const parsed = validateSla(input);
      const errors: Problem[] = parsed.ok ? [] : [...parsed.errors];
      if (!SEVERITIES.includes(severity as Severity))
        errors.push(apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') }));
      // A row may refine any node: a category, a subcategory or a type (the most specific wins).
      if (category !== '*' && !(await listCategories(db)).some((c) => c.key === category))
        errors.push(apiText('config.noCategory', { id: category }));
      if (!parsed.ok || errors.length > 0) invalid(errors);
      const entry = { category, severity: severity as Severity, sla: parsed.sla };
      await upsertSla(db, entry, actor, deps.now());
      return entry;
    },

    /** What fuses and what suppresses (district-wide): the next intake in every process uses it. */
    async getFusion(user: User) {
      districtActorOf(user);
      return getFusionConfig(db);
    },
    async setFusion(user: User, input: unknown) {
      const actor = districtActorOf(user);
      const categories = (await listCategories(db)).map((c) => c.key);
      const parsed = validateFusionConfig(input, categories);
      if (!parsed.ok) invalid(parsed.errors);
      await setFusionConfig(db, parsed.config, actor, deps.now());
      return parsed.config;
    },

    async setCalendar(user: User, input: unknown) {
      const actor = districtActorOf(user);
      const parsed = validateWorkCalendar(input);
      if (!parsed.ok) invalid(parsed.errors);
      await setWorkCalendar(db, parsed.calendar, actor, deps.now());
      return parsed.calendar;
    },

    async addRosterShift(user: User, input: unknown) {
      const actor = actorOf(user);
      const parsed = validateRosterShift(input);
      if (!parsed.ok) invalid(parsed.errors);
      // Outside the administrator's region is as good as absent.
      const region = await shiftRegion(parsed.shift);
      if (!region || !inScope(user, region))
        invalid([apiText('roster.noScope', { kind: parsed.shift.scopeKind, id: parsed.shift.scopeId })]);
      const person = await findUserById(db, parsed.shift.userId);
      if (!person || !inScope(user, person.regionId))
        invalid([apiText('field.personInScope', { field: 'userId' })]);
      return { id: await insertRosterShift(db, parsed.shift, actor, deps.now()), ...parsed.shift };
    },
    async deleteRosterShift(user: User, id: number) {
      const actor = actorOf(user);
      const shift = (await listRosterShifts(db)).find((r) => r.id === id);
      const region = shift && (await shiftRegion(shift));
      if (shift && (!region || !inScope(user, region)))
        throw new AppError('not_found', apiText('notFound.rosterShift', { id }));
      await deleteRosterShift(db, id, actor, deps.now());
    },
    async listRosterShifts(user: User) {
      actorOf(user);
      const shifts = await listRosterShifts(db);
      const regions = await Promise.all(shifts.map(shiftRegion));
      return shifts.filter((_, i) => regions[i] !== undefined && inScope(user, regions[i]));
    },

    async setChannel(user: User, input: unknown) {
      const actor = actorOf(user);
      const validated = validateChannel(input, deps.regions());
      if (!inScope(user, validated.regionId))
        invalid([apiText('field.regionInScope', { field: 'regionId' })]);
      const { id } = validated;
      const existing = (await listChannels(db)).find((c) => c.id === id);
      if (existing && !inScope(user, existing.regionId))
        throw new AppError('not_found', apiText('notFound.channel', { id }));
      // The console never sees a stored secret, so an edit that leaves it out keeps it; null clears it.
      const omitted = (input as { secret?: unknown }).secret === undefined;
      const stored = omitted ? (await listChannels(db)).find((c) => c.id === validated.id) : undefined;
      const channel = stored ? { ...validated, secret: stored.secret } : validated;
      await upsertChannel(db, channel, actor, deps.now());
      return { ...channel, secret: channel.secret ? '***' : null };
    },
    async deleteChannel(user: User, id: string) {
      const actor = actorOf(user);
      const channel = (await listChannels(db)).find((c) => c.id === id);
      if (channel && !inScope(user, channel.regionId))
        throw new AppError('not_found', apiText('notFound.channel', { id }));
      await deleteChannel(db, id, actor, deps.now());
    },
    async listChannels(user: User) {
      actorOf(user);
      return (await listChannels(db))
        .filter((c) => inScope(user, c.regionId))
        .map((c) => ({ ...c, secret: c.secret ? '***' : null }));
    },
  };
}
