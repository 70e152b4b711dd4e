import { apiText, englishOf } from './api-texts';
import { AppError, type Problem } from './errors';
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
  refusal: Problem | ((role: Role) => Problem);
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
  'self.use': permission(EVERYONE, false, apiText('session.logInFirst')),
  /** The map overview and case lists (the service narrows them to what the person may see). */
  'overview.read': permission(EVERYONE, false, apiText('session.logInFirst')),
  'case.read': permission(EVERYONE, true, apiText('session.logInFirst')),
  /** A move on a case; the case state machine (`CASE_MOVES`) decides which moves per role. */
  'case.act': permission(EVERYONE, true, apiText('session.logInFirst')),
  'case.report': permission(['grid_worker', 'supervisor', 'operator', 'admin'], true, (role) =>
    apiText('permission.mayNotReport', { role }),
  ),
  'case.hotline': permission(COMMAND_CENTRE, true, (role) => apiText('permission.mayNotHotline', { role })),
  'case.requesters': permission(COMMAND_CENTRE, true, apiText('permission.callers')),
  'case.dispatch': permission(COMMAND_CENTRE, true, apiText('permission.dispatch')),
  /** 拆分: a case holding two matters becomes two cases (merging is a dispatcher's `case.dispatch`). */
  'case.split': permission(COMMAND_CENTRE, true, apiText('permission.split')),
  /** 核查: passing or failing (退回重办) a resolved case; the checker must not be its resolver. */
  'case.verify': permission(COMMAND_CENTRE, true, apiText('permission.verify')),
  /** Closing a case without handling it: 作废, 误报, 重复件. */
  'case.void': permission(COMMAND_CENTRE, true, apiText('permission.void')),
  /** 不予立案: the desk decides at registration that a report is not a case (with a reason code). */
  'case.decline': permission(COMMAND_CENTRE, true, apiText('permission.decline')),
  /** 非属地: a hotline case that belongs to another district or outside the street's remit goes back. */
  'case.return_upstream': permission(COMMAND_CENTRE, true, apiText('permission.returnUpstream')),
  /** 延期: the handler of a case asks for more working days (the case moves check it is theirs). */
  'case.extend.request': permission(
    ['grid_worker', 'handler', 'supervisor'],
    true,
    apiText('permission.extendRequest'),
  ),
  /** Approving or refusing a 延期 request: the level above the handler, never the requester. */
  'case.extend.decide': permission(COMMAND_CENTRE, true, apiText('permission.extendDecide')),
  /** 督办: putting a case under supervision and lifting it. */
  'case.supervise': permission(['supervisor', 'admin'], true, apiText('permission.supervise')),
  /**
   * 协办: adding co-handlers to a case. The roles that may lead a case or dispatch one; the service
   * then requires the case's lead, or `case.dispatch` over the case's region.
   */
  'case.cohandle.add': permission(
    ['grid_worker', 'handler', 'supervisor', 'operator', 'admin'],
    false,
    apiText('permission.cohandleAdd'),
  ),
  /**
   * 好差评 of 协办 (decision 0032): the lead side rates a reported sub-task's work, the co-handling
   * side its request. The roles that lead, dispatch or co-handle; the service then decides the side
   * (the case's lead or the desk over its region; the co-handler or their department).
   */
  'subtask.rate': permission(
    ['grid_worker', 'handler', 'supervisor', 'operator', 'admin'],
    false,
    apiText('permission.subtaskRate'),
  ),
  /**
   * The 协办 ratings a department or region received and gave: a department's members read their
   * department's; the command centre its region's (the service checks which, over `assessment.read`).
   */
  'cohandle.rating.read': permission(
    ['handler', 'supervisor', 'operator', 'admin'],
    false,
    apiText('permission.ratingsRead'),
  ),
  /** Being given a case (lead or co-handler): the case's grid must be in the person's reach. */
  'case.take': permission(['grid_worker', 'handler', 'supervisor'], false, apiText('permission.take')),
  'photo.upload': permission(EVERYONE, false, apiText('session.logInFirst')),
  'photo.read': permission(EVERYONE, false, apiText('session.logInFirst')),
  'device.read': permission(EVERYONE, true, apiText('session.logInFirst')),
  'device.manage': permission(BUILDERS, true, apiText('permission.registry')),
  'rule.read': permission(['admin', 'engineer', 'operator', 'supervisor'], true, apiText('permission.rules')),
  'rule.write': permission(BUILDERS, true, apiText('permission.rules')),
  'flows.edit': permission(BUILDERS, false, apiText('permission.flows')),
  'case_config.read': permission(EVERYONE, false, apiText('session.logInFirst')),
  'case_config.manage': permission(ADMINS, true, apiText('permission.caseConfig')),
  'deliveries.read': permission(ADMINS, true, apiText('permission.deliveries')),
  'region.manage': permission(ADMINS, true, apiText('permission.regionsPeople')),
  'people.manage': permission(ADMINS, true, apiText('permission.regionsPeople')),
  'audit.read': permission(['admin', 'operator'], true, apiText('permission.audit')),
  'analytics.read': permission(COMMAND_CENTRE, true, apiText('permission.analytics')),
  /** 预警: early warnings in the person's region (the service narrows the list to it). */
  'warning.read': permission(COMMAND_CENTRE, true, apiText('permission.warnings')),
  /** Acknowledging an early warning or turning it into a case. */
  'warning.act': permission(COMMAND_CENTRE, true, apiText('permission.warnings')),
  /** Recording an analytics export: whoever may read analytics. */
  'analytics.export': permission(COMMAND_CENTRE, true, apiText('permission.analytics')),
  /** 重点场所: places in the person's scope with their levels and inspections. */
  'place.read': permission(
    ['grid_worker', 'supervisor', 'operator', 'engineer', 'admin'],
    true,
    apiText('permission.placesRead'),
  ),
  /** Registering places, attaching devices, tuning the risk-level rules. */
  'place.manage': permission(ADMINS, true, apiText('permission.placesManage')),
  /** 巡检 check-in at a place of one's grid (photo, checklist, position). */
  'place.inspect': permission(['grid_worker', 'supervisor'], true, apiText('permission.placesInspect')),
  /** 考核: the ranking per level in the person's region, and the scheme it is scored with. */
  'assessment.read': permission(COMMAND_CENTRE, true, apiText('permission.assessmentRead')),
  /** Changing the 考核 scheme (weights, penalties, bonus). */
  'assessment.manage': permission(ADMINS, false, apiText('permission.assessmentManage')),
  /** 日点评 / 周提示 / 月通报 of the person's region and the regions under it. */
  'report.read': permission(COMMAND_CENTRE, true, apiText('permission.reports')),
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
  const refusal = refusalProblemFor(action, role);
  return typeof refusal === 'string' ? refusal : englishOf(refusal);
}

/** The refusal as a key for the reader's language, where it has one. */
function refusalProblemFor(action: Action, role: Role): Problem {
  const { refusal }: Permission = PERMISSIONS[action];
  return typeof refusal === 'function' ? refusal(role) : refusal;
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
  if (!can(user, action)) throw new AppError('forbidden', refusalProblemFor(action, user.role));
  if (resource && !can(user, action, resource))
    throw new AppError('forbidden', apiText('permission.outsideRegion'));
}
