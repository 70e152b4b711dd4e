import { authorize, type Action } from '@gridsense/core';
import { Router, type RequestHandler } from 'express';
import { currentUser } from './routes/current-user';

/** A route anyone may call, signed in or not (sign-in itself, health, the metrics scrape). */
export const PUBLIC = 'public';

/**
 * Every route the web app mounts, `METHOD /path`, with the action it takes (`core/src/permissions.ts`).
 * A route missing here cannot be mounted through `declaredRouter`, and the permission matrix test
 * fails for any route of the app that is missing. The role check runs before the route; the
 * resource's scope is checked by the service that loads it.
 */
export const ROUTE_ACTIONS: Readonly<Record<string, Action | typeof PUBLIC>> = {
  'GET /healthz': PUBLIC,
  'GET /metrics': PUBLIC,
  // EMQX's HTTP authentication and authorization: its shared secret instead of a session.
  'POST /api/mqtt/emqx/authn': PUBLIC,
  'POST /api/mqtt/emqx/authz': PUBLIC,

  'POST /api/session': PUBLIC,
  'GET /api/session': 'self.use',
  'DELETE /api/session': 'self.use',
  'GET /api/me': 'self.use',
  'POST /api/me/password': 'self.use',
  'POST /api/me/totp': 'self.use',
  'POST /api/me/totp/confirm': 'self.use',
  'PUT /api/me/locale': 'self.use',
  'GET /api/notifications': 'self.use',
  'GET /api/notifications/unread': 'self.use',
  'POST /api/notifications/read': 'self.use',
  'GET /api/notifications/push/key': 'self.use',
  'POST /api/notifications/push/subscriptions': 'self.use',
  'DELETE /api/notifications/push/subscriptions': 'self.use',

  'GET /api/overview': 'overview.read',
  'GET /api/cases': 'case.read',
  'GET /api/cases/search': 'case.read',
  'GET /api/cases/:id': 'case.read',
  'POST /api/cases/reports': 'case.report',
  'POST /api/cases/hotline': 'case.hotline',
  // 智能分拨: whoever may register a patrol or hotline case (case.report's roles include case.hotline's).
  'POST /api/intake/suggest': 'case.report',
  'GET /api/cases/:id/requesters': 'case.requesters',
  'GET /api/cases/:id/contacts': 'case.read',
  'GET /api/grids/:id/people': 'case.dispatch',
  'POST /api/cases/:id/actions': 'case.act',
  'POST /api/cases/:id/merge': 'case.dispatch',
  'GET /api/cases/:id/merge-candidates': 'case.dispatch',
  'POST /api/cases/:id/split': 'case.split',
  // 协办: a case's sub-tasks (whoever sees the case), adding co-handlers, their moves (the sub-task
  // transition decides who), and one's own sub-tasks.
  'GET /api/cases/:id/subtasks': 'case.read',
  'POST /api/cases/:id/subtasks': 'case.cohandle.add',
  'POST /api/cases/:id/subtasks/:subtaskId/actions': 'case.act',
  'GET /api/subtasks/mine': 'self.use',
  'POST /api/cases/:id/subtasks/:subtaskId/rating': 'subtask.rate',
  'GET /api/cohandle-ratings': 'cohandle.rating.read',
  'POST /api/photos': 'photo.upload',
  'GET /api/photos/:name': 'photo.read',

  'GET /api/devices/:id': 'device.read',
  'GET /api/devices/:id/series': 'device.read',
  'GET /api/grids/:id/series': 'device.read',
  'GET /api/devices': 'device.manage',
  'POST /api/devices': 'device.manage',
  'POST /api/devices/:id/secret': 'device.manage',
  'POST /api/devices/:id/enable': 'device.manage',
  'POST /api/devices/:id/disable': 'device.manage',

  'GET /api/rules': 'rule.read',
  'GET /api/rules/:id': 'rule.read',
  'POST /api/rules': 'rule.write',
  'POST /api/rules/backtest': 'rule.write',
  'PUT /api/rules/:id': 'rule.write',
  'POST /api/rules/:id/enable': 'rule.write',
  'POST /api/rules/:id/disable': 'rule.write',
  'POST /api/rules/:id/rollback': 'rule.write',

  'GET /api/case-config': 'case_config.read',
  'GET /api/admin/dispatch-rules': 'case_config.manage',
  'PUT /api/admin/dispatch-rules/:id': 'case_config.manage',
  'DELETE /api/admin/dispatch-rules/:id': 'case_config.manage',
  'PUT /api/admin/categories/:key': 'case_config.manage',
  'PUT /api/admin/slas/:category/:severity': 'case_config.manage',
  'PUT /api/admin/calendar': 'case_config.manage',
  'GET /api/admin/fusion': 'case_config.manage',
  'PUT /api/admin/fusion': 'case_config.manage',
  'GET /api/admin/rosters': 'case_config.manage',
  'POST /api/admin/rosters': 'case_config.manage',
  'DELETE /api/admin/rosters/:id': 'case_config.manage',
  'GET /api/admin/channels': 'case_config.manage',
  'PUT /api/admin/channels/:id': 'case_config.manage',
  'DELETE /api/admin/channels/:id': 'case_config.manage',
  'GET /api/admin/deliveries': 'deliveries.read',

  'GET /api/admin/regions': 'region.manage',
  'POST /api/admin/regions': 'region.manage',
  'POST /api/admin/regions/boundary/check': 'region.manage',
  'PUT /api/admin/regions/:id/boundary': 'region.manage',
  'PUT /api/admin/regions/:id/duties/:duty': 'people.manage',
  'GET /api/admin/people': 'people.manage',
  'POST /api/admin/people': 'people.manage',
  'PATCH /api/admin/people/:id': 'people.manage',
  'POST /api/admin/people/:id/password': 'people.manage',
  'POST /api/admin/people/:id/totp/reset': 'people.manage',
  'GET /api/admin/people/:id/contacts': 'people.manage',
  'PUT /api/admin/people/:id/contacts': 'people.manage',
  'POST /api/admin/people/:id/enable': 'people.manage',
  'POST /api/admin/people/:id/disable': 'people.manage',

  'GET /api/audit': 'audit.read',
  'GET /api/audit/verify': 'audit.read',
  'POST /api/audit/exports': 'analytics.export',
  'GET /api/analytics/cases': 'analytics.read',
  'GET /api/situation': 'analytics.read',
  'GET /api/intake/agreement': 'analytics.read',

  'GET /api/assessment': 'assessment.read',
  'GET /api/assessment/scheme': 'assessment.read',
  'PUT /api/assessment/scheme': 'assessment.manage',
  'GET /api/reports': 'report.read',
  'GET /api/reports/:id': 'report.read',
  'GET /api/reports/:id/csv': 'report.read',
  'GET /api/reports/:id/pdf': 'report.read',

  'GET /api/warnings': 'warning.read',
  'POST /api/warnings/:id/acknowledge': 'warning.act',
  'POST /api/warnings/:id/case': 'warning.act',

  'GET /api/places': 'place.read',
  'GET /api/places/:id': 'place.read',
  'GET /api/place-rules': 'place.read',
  'POST /api/places/:id/inspections': 'place.inspect',
  'POST /api/admin/places': 'place.manage',
  'PUT /api/admin/places/:id': 'place.manage',
  'DELETE /api/admin/places/:id': 'place.manage',
  'PUT /api/admin/places/:id/devices': 'place.manage',
  'PUT /api/admin/place-rules': 'place.manage',
};

/** The declared action of a route, or undefined when it has none. */
export const routeAction = (method: string, path: string): Action | typeof PUBLIC | undefined =>
  ROUTE_ACTIONS[`${method.toUpperCase()} ${path}`];

/** Refuses a role that may not take the action at all, before the route runs (403 with its text). */
const requireAction =
  (action: Action): RequestHandler =>
  (request, _response, next) => {
    authorize(currentUser(request), action);
    next();
  };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * A Router whose routes must be declared in `ROUTE_ACTIONS`: mounting an undeclared one throws
 * when the app is built, and a declared one runs its action's role check first.
 */
export function declaredRouter(): Router {
  const router = Router();
  for (const method of METHODS) {
    const mount = router[method].bind(router) as (path: string, ...handlers: RequestHandler[]) => Router;
    const declared = (path: string, ...handlers: RequestHandler[]): Router => {
      const action = routeAction(method, path);
      if (action === undefined)
        throw new Error(`${method.toUpperCase()} ${path} declares no action in web/src/route-actions.ts`);
      return action === PUBLIC ? mount(path, ...handlers) : mount(path, requireAction(action), ...handlers);
    };
    (router as unknown as Record<string, unknown>)[method] = declared;
  }
  return router;
}
