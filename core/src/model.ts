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
