import type { Role } from '@gridsense/core';

/** Hash routes: #/login, #/map, #/cases, #/cases/:id, #/devices, #/devices/:id, #/grids/:id, #/my, #/analytics, #/audit, #/rules, #/rules/:id (new: #/rules/new), #/report, #/admin, #/hotline, #/regions, #/people, #/password, #/totp, #/warnings. */
export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'map' }
  | { name: 'cases' }
  | { name: 'case'; id: string }
  | { name: 'device'; id: string }
  | { name: 'grid'; id: string }
  | { name: 'my' }
  | { name: 'analytics' }
  | { name: 'audit' }
  | { name: 'rules' }
  | { name: 'report' }
  | { name: 'admin' }
  | { name: 'hotline' }
  | { name: 'devices' }
  | { name: 'regions' }
  | { name: 'people' }
  | { name: 'password' }
  | { name: 'totp' }
  | { name: 'warnings' }
  | { name: 'situation' }
  | { name: 'register' }
  | { name: 'places' }
  | { name: 'rule'; id: string }
  | { name: 'assessment' }
  | { name: 'ratings' }
  | { name: 'reports' }
  | { name: 'report_view'; id: string }
  | { name: 'not_found'; path: string };

const DETAIL_ROUTES = new Map<string, 'case' | 'device' | 'grid' | 'rule' | 'report_view'>([
  ['rules', 'rule'],
  ['cases', 'case'],
  ['devices', 'device'],
  ['grids', 'grid'],
  ['reports', 'report_view'],
]);

/** Routes without an id; the type follows the list, so the two cannot drift apart. */
const SIMPLE_NAMES = [
  'login',
  'map',
  'cases',
  'my',
  'analytics',
  'audit',
  'rules',
  'report',
  'admin',
  'hotline',
  'devices',
  'regions',
  'people',
  'password',
  'totp',
  'warnings',
  'situation',
  'register',
  'places',
  'assessment',
  'ratings',
  'reports',
] as const;
type SimpleRoute = (typeof SIMPLE_NAMES)[number];
const SIMPLE_ROUTES = new Set<string>(SIMPLE_NAMES);

export function parseHash(hash: string): Route {
  // A list's filters ride in the query (`#/cases?q=…`); the route is the path before it.
  const path = hash.replace(/^#/, '').replace(/\?.*$/, '').replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { name: 'home' };
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return { name: 'not_found', path };
  if (second) {
    const detail = DETAIL_ROUTES.get(first!);
    if (detail) return { name: detail, id: decodeURIComponent(second) };
  }
  if (second !== undefined) return { name: 'not_found', path };
  if (first && SIMPLE_ROUTES.has(first)) return { name: first as SimpleRoute };
  return { name: 'not_found', path };
}

export function caseHref(id: string): string {
  return `#/cases/${encodeURIComponent(id)}`;
}

export function deviceHref(id: string): string {
  return `#/devices/${encodeURIComponent(id)}`;
}

export function ruleHref(id: string): string {
  return `#/rules/${encodeURIComponent(id)}`;
}

/** Who may register devices and rotate their secrets (the API enforces the same). */
export function canManageDevices(role: Role): boolean {
  return role === 'admin' || role === 'engineer';
}

/** Who may edit rules and open the Node-RED editor (the API enforces the same). */
export function canEditRules(role: Role): boolean {
  return role === 'admin' || role === 'engineer';
}

export function gridHref(id: string): string {
  return `#/grids/${encodeURIComponent(id)}`;
}

/** Field staff work from their own queue; everyone else starts at the live map. */
export function homeFor(role: Role): '#/my' | '#/map' {
  return role === 'grid_worker' || role === 'handler' ? '#/my' : '#/map';
}

export type NavItem =
  | 'map'
  | 'cases'
  | 'my'
  | 'report'
  | 'analytics'
  | 'audit'
  | 'rules'
  | 'devices'
  | 'admin'
  | 'hotline'
  | 'regions'
  | 'people'
  | 'warnings'
  | 'situation'
  | 'register'
  | 'places'
  | 'assessment'
  | 'ratings'
  | 'reports';

/**
 * The audit log is for the command centre (the API refuses others); analytics, 考核 and the periodic
 * reports for anyone who oversees.
 */
export function navFor(role: Role): NavItem[] {
  const oversight: NavItem[] = ['situation', 'cases', 'register', 'warnings', 'places'];
  const results: NavItem[] = ['analytics', 'assessment', 'ratings', 'reports'];
  if (role === 'grid_worker') return ['my', 'report', 'cases', 'places'];
  // 协办评价: a department sees the ratings of its co-handling (decision 0032).
  if (role === 'handler') return ['my', 'cases', 'ratings'];
  if (role === 'admin')
    return ['map', ...oversight, ...results, 'audit', 'rules', 'devices', 'regions', 'people', 'admin'];
  if (role === 'operator') return ['map', ...oversight, 'hotline', ...results, 'audit'];
  if (role === 'supervisor') return ['map', ...oversight, 'hotline', ...results];
  return ['map', 'cases', 'places', 'rules', 'devices'];
}
