import { apiText } from './api-texts';
import type { Problem } from './errors';
import type { PolygonGeometry } from './model';

/**
 * A grid boundary from an imported GeoJSON file: a Feature, a FeatureCollection of one feature,
 * or a bare geometry, holding a Polygon or a MultiPolygon of one part. Checked for WGS-84 ranges,
 * closed rings of at least 4 positions, and which grid it belongs to. Shared by the console
 * (preview before saving) and the API (the check that counts).
 */
export type ParsedBoundary =
  | { ok: true; boundary: PolygonGeometry; gridId: string | null; name: string | null }
  | { ok: false; errors: Problem[] };

/**
 * What one boundary may hold. A grid is a few city blocks: a few hundred vertices describe it to
 * the metre; these limits leave room for detailed survey data while keeping the overlap check and
 * every point-in-polygon test cheap.
 */
export const BOUNDARY_LIMITS = { rings: 50, verticesPerRing: 5_000, vertices: 10_000 } as const;

const MAX_POSITION_ERRORS = 5;

/** Properties a GIS export may name the grid by, in the order they are tried. */
const GRID_ID_PROPERTIES = ['gridId', 'grid_id', 'id'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `ring`: its index in the polygon, 0 for the outer ring. */
function checkRing(ring: unknown, index: number, errors: Problem[]): ring is [number, number][] {
  if (!Array.isArray(ring)) {
    errors.push(apiText('boundary.ringNotList', { ring: index }));
    return false;
  }
  if (ring.length > BOUNDARY_LIMITS.verticesPerRing) {
    errors.push(
      apiText('boundary.ringTooLong', {
        ring: index,
        count: ring.length,
        max: BOUNDARY_LIMITS.verticesPerRing,
      }),
    );
    return false;
  }
  if (ring.length < 4) errors.push(apiText('boundary.ringTooShort', { ring: index, count: ring.length }));
  let fine = ring.length >= 4;
  let bad = 0;
  ring.forEach((position: unknown, at) => {
    const [lng, lat] = Array.isArray(position) ? (position as unknown[]) : [];
    let problem: Problem | undefined;
    if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat))
      problem = apiText('boundary.positionShape', { ring: index, position: at + 1 });
    else if (Math.abs(lng) > 180 || Math.abs(lat) > 90)
      problem = apiText('boundary.positionRange', { ring: index, position: at + 1 });
    if (!problem) return;
    fine = false;
    // A few examples say what is wrong; thousands of lines would not say more.
    if (++bad <= MAX_POSITION_ERRORS) errors.push(problem);
  });
  if (bad > MAX_POSITION_ERRORS)
    errors.push(apiText('boundary.moreBadPositions', { ring: index, count: bad - MAX_POSITION_ERRORS }));
  if (!fine) return false;
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    errors.push(apiText('boundary.ringNotClosed', { ring: index }));
    return false;
  }
  return true;
}

function polygonOf(geometry: unknown, errors: Problem[]): PolygonGeometry | null {
  if (!isObject(geometry)) {
    errors.push(apiText('boundary.noGeometry'));
    return null;
  }
  let rings: unknown = geometry.coordinates;
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(rings) || rings.length !== 1) {
      errors.push(apiText('boundary.multiPolygon'));
      return null;
    }
    rings = rings[0];
  } else if (geometry.type !== 'Polygon') {
    errors.push(apiText('boundary.geometryType', { type: String(geometry.type) }));
    return null;
  }
  if (!Array.isArray(rings) || rings.length === 0) {
    errors.push(apiText('boundary.noRings'));
    return null;
  }
  if (rings.length > BOUNDARY_LIMITS.rings) {
    errors.push(apiText('boundary.tooManyRings', { count: rings.length, max: BOUNDARY_LIMITS.rings }));
    return null;
  }
  const vertices = rings.reduce((n: number, ring: unknown) => n + (Array.isArray(ring) ? ring.length : 0), 0);
  if (vertices > BOUNDARY_LIMITS.vertices) {
    errors.push(apiText('boundary.tooManyPositions', { count: vertices, max: BOUNDARY_LIMITS.vertices }));
    return null;
  }
  const checked = rings.map((ring, index) => checkRing(ring, index, errors));
  if (checked.includes(false)) return null;
  return {
    type: 'Polygon',
    coordinates: (rings as [number, number][][]).map((ring) => ring.map(([lng, lat]) => [lng, lat])),
  };
}

function gridIdOf(properties: unknown): string | null {
  if (!isObject(properties)) return null;
  for (const key of GRID_ID_PROPERTIES) {
    const value = properties[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
}

/**
 * `expectedGridId`: the grid the boundary is imported for; a feature naming another grid is
 * refused, so a file picked for the wrong grid cannot move someone else's area.
 */
export function parseGridBoundary(input: unknown, expectedGridId?: string): ParsedBoundary {
  const errors: Problem[] = [];
  let feature: unknown = input;
  if (isObject(input) && input.type === 'FeatureCollection') {
    const features = Array.isArray(input.features) ? input.features : [];
    if (features.length !== 1)
      return {
        ok: false,
        errors: [apiText('boundary.oneFeature', { count: features.length })],
      };
    feature = features[0];
  }
  if (!isObject(feature)) return { ok: false, errors: [apiText('boundary.notGeoJson')] };
  const isFeature = feature.type === 'Feature';
  const boundary = polygonOf(isFeature ? feature.geometry : feature, errors);
  const gridId = isFeature ? gridIdOf(feature.properties) : null;
  const properties = isFeature && isObject(feature.properties) ? feature.properties : {};
  const name = typeof properties.name === 'string' && properties.name.trim() ? properties.name.trim() : null;
  if (expectedGridId !== undefined && gridId !== null && gridId !== expectedGridId)
    errors.push(apiText('boundary.otherGrid', { gridId, expectedGridId }));
  if (errors.length > 0 || !boundary) return { ok: false, errors };
  return { ok: true, boundary, gridId, name };
}
