import type { Role } from '@gridsense/core';

/** Hash routes: #/login, #/map, #/cases, #/cases/:id, #/my. */
export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'map' }
  | { name: 'cases' }
  | { name: 'case'; id: string }
  | { name: 'my' }
  | { name: 'not_found'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { name: 'home' };
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return { name: 'not_found', path };
  if (first === 'cases' && second) return { name: 'case', id: decodeURIComponent(second) };
  if (second !== undefined) return { name: 'not_found', path };
  if (first === 'login' || first === 'map' || first === 'cases' || first === 'my') return { name: first };
  return { name: 'not_found', path };
}

export function caseHref(id: string): string {
  return `#/cases/${encodeURIComponent(id)}`;
}

/** Field staff work from their own queue; everyone else starts at the live map. */
export function homeFor(role: Role): '#/my' | '#/map' {
  return role === 'grid_worker' || role === 'handler' ? '#/my' : '#/map';
}

export type NavItem = 'map' | 'cases' | 'my';

export function navFor(role: Role): NavItem[] {
  return role === 'grid_worker' || role === 'handler' ? ['my', 'cases'] : ['map', 'cases'];
}
