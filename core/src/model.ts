/** The domain model shared by every service and the console. */

export type RegionLevel = 'district' | 'street' | 'community' | 'grid';
export const REGION_LEVELS: readonly RegionLevel[] = ['district', 'street', 'community', 'grid'];

/** A GeoJSON Polygon: rings of [lng, lat] positions, first ring outer. */
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: [number, number][][];
}

export interface Region {
  id: string;
  level: RegionLevel;
  parentId: string | null;
  name: string;
  boundary: PolygonGeometry | null;
}

export type Role = 'admin' | 'operator' | 'supervisor' | 'grid_worker' | 'engineer' | 'handler';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** The region this user is responsible for; their view is this region's subtree. */
  regionId: string;
}

export type DutyKind = 'primary' | 'backup';

export interface Device {
  id: string;
  gridId: string;
  type: string;
  name: string;
  lat: number;
  lng: number;
  online: boolean;
  lastSeenAt: number | null;
}

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

export function severityRank(severity: Severity | null): number {
  return severity === null ? 0 : SEVERITIES.indexOf(severity) + 1;
}

/** Every grid in a region's subtree (the region itself if it is a grid). */
export function gridsInRegion(regions: readonly Region[], regionId: string): string[] {
  const children = new Map<string, Region[]>();
  for (const region of regions) {
    if (region.parentId === null) continue;
    const list = children.get(region.parentId) ?? [];
    list.push(region);
    children.set(region.parentId, list);
  }
  const grids: string[] = [];
  const stack = regions.filter((r) => r.id === regionId);
  while (stack.length > 0) {
    const region = stack.pop()!;
    if (region.level === 'grid') grids.push(region.id);
    stack.push(...(children.get(region.id) ?? []));
  }
  return grids.sort();
}

/** A region and its ancestors up to the district, nearest first. */
export function regionLineage(regions: readonly Region[], regionId: string): Region[] {
  const byId = new Map(regions.map((r) => [r.id, r]));
  const lineage: Region[] = [];
  for (let r = byId.get(regionId); r; r = r.parentId ? byId.get(r.parentId) : undefined) lineage.push(r);
  return lineage;
}
