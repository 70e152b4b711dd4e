import polygonClipping from 'polygon-clipping';
import type { PolygonGeometry, Region } from './model';

/**
 * Grids tile a community without overlap (网格全覆盖、无缝隙), so that a location belongs to one
 * grid and one worker. Neighbours share edges; two boundaries digitised apart meet in slivers,
 * so an overlap counts only from this share of the smaller grid's area, and a grid's reach past
 * its community, street or district only from this share of its own area.
 */
export const OVERLAP_TOLERANCE = 0.005;

export interface GridOverlap {
  gridId: string;
  name: string;
  /** Overlapping area in square metres. */
  areaM2: number;
  /** Of the smaller of the two grids. */
  share: number;
}

// Metres per degree, on a local equirectangular projection: exact enough at grid size.
const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;

function ringArea(ring: [number, number][]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  }
  return Math.abs(twice) / 2;
}

/** A community, street or district that a grid boundary reaches out of. */
export interface AncestorOverrun {
  regionId: string;
  level: Region['level'];
  name: string;
  /** Area of the grid outside this ancestor, in square metres. */
  areaM2: number;
  /** Of the grid's own area. */
  share: number;
}

/** Square metres of polygons given in [lng, lat] degrees, outer rings minus holes. */
function areaM2(polygons: [number, number][][][], latitude: number): number {
  const degrees = polygons.reduce(
    (sum, [outer, ...holes]) =>
      sum + (outer ? ringArea(outer) : 0) - holes.reduce((h, hole) => h + ringArea(hole), 0),
    0,
  );
  return degrees * M_PER_DEG_LAT * M_PER_DEG_LNG_EQUATOR * Math.cos((latitude * Math.PI) / 180);
}

/** The other grids this boundary overlaps by more than the tolerance, largest first. */
export function findGridOverlaps(
  boundary: PolygonGeometry,
  gridId: string | undefined,
  regions: readonly Region[],
): GridOverlap[] {
  const latitude = boundary.coordinates[0]?.[0]?.[1] ?? 0;
  const ownArea = areaM2([boundary.coordinates], latitude);
  const overlaps: GridOverlap[] = [];
  for (const other of regions) {
    if (other.level !== 'grid' || other.id === gridId || !other.boundary) continue;
    const shared = polygonClipping.intersection(boundary.coordinates, other.boundary.coordinates);
    if (shared.length === 0) continue;
    const area = areaM2(shared, latitude);
    const share = area / Math.min(ownArea, areaM2([other.boundary.coordinates], latitude));
    if (share > OVERLAP_TOLERANCE) overlaps.push({ gridId: other.id, name: other.name, areaM2: area, share });
  }
  return overlaps.sort((a, b) => b.areaM2 - a.areaM2);
}

/**
 * The ancestors (community, street, district) whose boundary this grid boundary reaches out of by
 * more than the tolerance, nearest first. Ancestors without a boundary are skipped: a street's
 * outline is optional.
 */
export function findAncestorOverruns(
  boundary: PolygonGeometry,
  ancestors: readonly Region[],
): AncestorOverrun[] {
  const latitude = boundary.coordinates[0]?.[0]?.[1] ?? 0;
  const ownArea = areaM2([boundary.coordinates], latitude);
  const overruns: AncestorOverrun[] = [];
  for (const ancestor of ancestors) {
    if (!ancestor.boundary) continue;
    const outside = polygonClipping.difference(boundary.coordinates, ancestor.boundary.coordinates);
    if (outside.length === 0) continue;
    const area = areaM2(outside, latitude);
    const share = area / ownArea;
    if (share > OVERLAP_TOLERANCE) {
      const { id: regionId, level, name } = ancestor;
      overruns.push({ regionId, level, name, areaM2: area, share });
    }
  }
  return overruns;
}
