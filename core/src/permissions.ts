import { AppError } from './errors';
import { regionLineage, type Region, type Role, type User } from './model';

/**
 * The one permission table: every action GridSense knows, the roles that may take it, and whether
 * the resource's region must lie in the person's scope (their region's subtree). Services ask
 * `can` / `authorize`; the web routes declare one of these per route (`web/src/route-actions.ts`).
 * Nothing else keeps a list of roles.
 */
interface Permission {
  roles: readonly Role[];
  /** The resource's region lineage must contain the person's region. */
  scoped: boolean;
  /** What a refused role is told (one text per action, translated in the console). */
  refusal: string | ((role: Role) => string);
}

const EVERYONE: readonly Role[] = ['grid_worker', 'supervisor', 'handler', 'operator', 'engineer', 'admin'];
const COMMAND_CENTRE: readonly Role[] = ['operator', 'supervisor', 'admin'];
const BUILDERS: readonly Role[] = ['engineer', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

const permission = (roles: readonly Role[], scoped: boolean, refusal: Permission['refusal']): Permission => ({
  roles,
  scoped,
  refusal,
});

export const PERMISSIONS = {
  /** One's own session, profile, password and notices. */
  'self.use': permission(EVERYONE, false, 'please log in'),
  /** The map overview and case lists (the service narrows them to what the person may see). */
  'overview.read': permission(EVERYONE, false, 'please log in'),
  'case.read': permission(EVERYONE, true, 'please log in'),
  /** A move on a case; the case state machine (`CASE_MOVES`) decides which moves per role. */
  'case.act': permission(EVERYONE, true, 'please log in'),
  'case.report': permission(
    ['grid_worker', 'supervisor', 'operator', 'admin'],
    true,
    (role) => `${role} may not file patrol reports`,
  ),
  'case.hotline': permission(COMMAND_CENTRE, true, (role) => `${role} may not enter hotline calls`),
  'case.requesters': permission(COMMAND_CENTRE, true, 'only the command centre may see callers'),
  'case.dispatch': permission(COMMAND_CENTRE, true, 'only the command centre and the desks dispatch cases'),
  /** 核查: passing or failing (退回重办) a resolved case; the checker must not be its resolver. */
  'case.verify': permission(COMMAND_CENTRE, true, 'only the command centre and supervisors verify cases'),
  /** Closing a case without handling it: 作废, 误报, 重复件. */
  'case.void': permission(
    COMMAND_CENTRE,
    true,
    'only the command centre and supervisors close cases as void, false alarm or duplicate',
  ),
  /** 延期: the handler of a case asks for more working days (the case moves check it is theirs). */
  'case.extend.request': permission(
    ['grid_worker', 'handler', 'supervisor'],
    true,
    'only the handler of a case asks for an extension',
  ),
  /** Approving or refusing a 延期 request: the level above the handler, never the requester. */
  'case.extend.decide': permission(
    COMMAND_CENTRE,
    true,
    'only the command centre and supervisors decide extension requests',
  ),
  /** 督办: putting a case under supervision and lifting it. */
  'case.supervise': permission(['supervisor', 'admin'], true, 'only supervisors put cases under supervision'),
  /**
   * 协办: adding co-handlers to a case. The roles that may lead a case or dispatch one; the service
   * then requires the case's lead, or `case.dispatch` over the case's region.
   */
  'case.cohandle.add': permission(
    ['grid_worker', 'handler', 'supervisor', 'operator', 'admin'],
    false,
    'only the lead handler and the command centre add co-handlers',
  ),
  /** Being given a case (lead or co-handler): the case's grid must be in the person's reach. */
  'case.take': permission(
    ['grid_worker', 'handler', 'supervisor'],
    false,
    'only grid workers, handlers and supervisors take cases',
  ),
  'photo.upload': permission(EVERYONE, false, 'please log in'),
  'photo.read': permission(EVERYONE, false, 'please log in'),
  'device.read': permission(EVERYONE, true, 'please log in'),
  'device.manage': permission(BUILDERS, true, 'the registry is for engineers and admins'),
  'rule.read': permission(
    ['admin', 'engineer', 'operator', 'supervisor'],
    true,
    'rules are for engineers and admins',
  ),
  'rule.write': permission(BUILDERS, true, 'rules are for engineers and admins'),
  'flows.edit': permission(BUILDERS, false, 'the flow editor is for engineers and admins'),
  'case_config.read': permission(EVERYONE, false, 'please log in'),
  'case_config.manage': permission(ADMINS, true, 'only administrators may change case rules'),
  'deliveries.read': permission(ADMINS, true, 'only administrators see the delivery log'),
  'region.manage': permission(ADMINS, true, 'only administrators manage grids and people'),
  'people.manage': permission(ADMINS, true, 'only administrators manage grids and people'),
  'audit.read': permission(['admin', 'operator'], true, 'the audit log is for the command centre'),
  'analytics.read': permission(COMMAND_CENTRE, true, 'analytics are for the command centre and supervisors'),
  /** 预警: early warnings in the person's region (the service narrows the list to it). */
  'warning.read': permission(
    COMMAND_CENTRE,
    true,
    'early warnings are for the command centre and supervisors',
  ),
  /** Acknowledging an early warning or turning it into a case. */
  'warning.act': permission(
    COMMAND_CENTRE,
    true,
    'early warnings are for the command centre and supervisors',
  ),
  /** Recording an analytics export: whoever may read analytics. */
  'analytics.export': permission(
    COMMAND_CENTRE,
    true,
    'analytics are for the command centre and supervisors',
  ),
  /** 重点场所: places in the person's scope with their levels and inspections. */
  'place.read': permission(
    ['grid_worker', 'supervisor', 'operator', 'engineer', 'admin'],
    true,
    'places are for grid workers, the command centre and administrators',
  ),
  /** Registering places, attaching devices, tuning the risk-level rules. */
  'place.manage': permission(ADMINS, true, 'only administrators manage places'),
  /** 巡检 check-in at a place of one's grid (photo, checklist, position). */
  'place.inspect': permission(
    ['grid_worker', 'supervisor'],
    true,
    'only grid workers and supervisors check in at places',
  ),
  /** 考核: the ranking per level in the person's region, and the scheme it is scored with. */
  'assessment.read': permission(COMMAND_CENTRE, true, 'assessment is for the command centre and supervisors'),
  /** Changing the 考核 scheme (weights, penalties, bonus). */
  'assessment.manage': permission(ADMINS, false, 'only administrators change the assessment scheme'),
  /** 日点评 / 周提示 / 月通报 of the person's region and the regions under it. */
  'report.read': permission(COMMAND_CENTRE, true, 'reports are for the command centre and supervisors'),
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** A thing in the hierarchy: the region ids from its own region up to the district. */
export interface ScopedResource {
  lineage: readonly string[];
}

/** The lineage of a region (or grid) as a resource for `can`; unknown ids have an empty lineage. */
export function resourceIn(regions: readonly Region[], regionId: string): ScopedResource {
  return { lineage: regionLineage(regions, regionId).map((r) => r.id) };
}

/** Whether the person's role may take the action, and, given a resource, whether it is in scope. */
export function can(
  user: Pick<User, 'role' | 'regionId'>,
  action: Action,
  resource?: ScopedResource,
): boolean {
  const rule: Permission = PERMISSIONS[action];
  if (!rule.roles.includes(user.role)) return false;
  return !resource || !rule.scoped || resource.lineage.includes(user.regionId);
}

/** Roles that may take the action (for texts and the route matrix). */
export const rolesFor = (action: Action): readonly Role[] => PERMISSIONS[action].roles;

/** What a person whose role may not take the action is told. */
export function refusalFor(action: Action, role: Role): string {
  const { refusal }: Permission = PERMISSIONS[action];
  return typeof refusal === 'string' ? refusal : refusal(role);
}

/**
 * Throws `forbidden` with the action's refusal when the role may not take it; a resource outside
 * the person's scope is `forbidden` too (callers that must not reveal existence check `can` first
 * and answer `not_found`).
 */
export function authorize(
  user: Pick<User, 'role' | 'regionId'>,
  action: Action,
  resource?: ScopedResource,
): void {
  if (!can(user, action)) throw new AppError('forbidden', refusalFor(action, user.role));
  if (resource && !can(user, action, resource)) throw new AppError('forbidden', 'outside your region');
}
