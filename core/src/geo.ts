import type { PolygonGeometry } from './model';

/** Ray casting on the outer ring, minus holes; points are [lng, lat]. */
export function pointInPolygon(lng: number, lat: number, polygon: PolygonGeometry): boolean {
  const [outer, ...holes] = polygon.coordinates;
  if (!outer || !insideRing(lng, lat, outer)) return false;
  return !holes.some((hole) => insideRing(lng, lat, hole));
}

function insideRing(x: number, y: number, ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function polygonCentroid(polygon: PolygonGeometry): { lng: number; lat: number } {
  const ring = polygon.coordinates[0] ?? [];
  const points = ring.length > 1 ? ring.slice(0, -1) : ring;
  const sum = points.reduce((acc, [lng, lat]) => ({ lng: acc.lng + lng, lat: acc.lat + lat }), {
    lng: 0,
    lat: 0,
  });
  return { lng: sum.lng / Math.max(points.length, 1), lat: sum.lat / Math.max(points.length, 1) };
}
