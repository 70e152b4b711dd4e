import type { PolygonGeometry } from '@gridsense/core';

/** Map maths without tiles: an equirectangular projection fitted to the data's bounds. */

export interface Bounds {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

export type Point = [x: number, y: number];
export type Project = (lng: number, lat: number) => Point;

export function boundsOf(positions: Iterable<readonly [number, number]>): Bounds | null {
  let bounds: Bounds | null = null;
  for (const [lng, lat] of positions) {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    if (!bounds) bounds = { minLng: lng, minLat: lat, maxLng: lng, maxLat: lat };
    else {
      bounds.minLng = Math.min(bounds.minLng, lng);
      bounds.minLat = Math.min(bounds.minLat, lat);
      bounds.maxLng = Math.max(bounds.maxLng, lng);
      bounds.maxLat = Math.max(bounds.maxLat, lat);
    }
  }
  return bounds;
}

/** Every position of every ring, for `boundsOf`. */
export function* polygonPositions(polygons: Iterable<PolygonGeometry | null>): Generator<[number, number]> {
  for (const polygon of polygons) {
    if (!polygon) continue;
    for (const ring of polygon.coordinates) yield* ring;
  }
}

/**
 * East-west degrees shrink by cos(latitude); scaling x by it keeps a city's shapes true.
 * The result is the data's width over its height in projected units.
 */
export function aspectRatio(bounds: Bounds): number {
  const kx = Math.cos(((bounds.minLat + bounds.maxLat) / 2) * (Math.PI / 180));
  const width = (bounds.maxLng - bounds.minLng) * kx;
  const height = bounds.maxLat - bounds.minLat;
  if (width <= 0 || height <= 0) return 1;
  return width / height;
}

interface Fit {
  kx: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

function fit(bounds: Bounds, width: number, height: number, padding: number): Fit {
  const midLat = (bounds.minLat + bounds.maxLat) / 2;
  const kx = Math.cos(midLat * (Math.PI / 180));
  const dataWidth = (bounds.maxLng - bounds.minLng) * kx;
  const dataHeight = bounds.maxLat - bounds.minLat;
  const innerWidth = Math.max(width - 2 * padding, 0);
  const innerHeight = Math.max(height - 2 * padding, 0);
  const scales = [
    dataWidth > 0 ? innerWidth / dataWidth : Infinity,
    dataHeight > 0 ? innerHeight / dataHeight : Infinity,
  ];
  const fitted = Math.min(...scales);
  const scale = Number.isFinite(fitted) ? fitted : 1;
  return { kx, scale, offsetX: (width - dataWidth * scale) / 2, offsetY: (height - dataHeight * scale) / 2 };
}

/**
 * Fits `bounds` into a `width` × `height` box (SVG user units, y down) with `padding` on every
 * side, centred, keeping the aspect ratio. Degenerate bounds (one point, a line) still centre.
 */
export function fitProjection(bounds: Bounds, width: number, height: number, padding = 0): Project {
  const { kx, scale, offsetX, offsetY } = fit(bounds, width, height, padding);
  return (lng, lat) => [
    offsetX + (lng - bounds.minLng) * kx * scale,
    offsetY + (bounds.maxLat - lat) * scale,
  ];
}

/** The inverse of `fitProjection` with the same arguments: a point on screen back to [lng, lat]. */
export function fitInverse(
  bounds: Bounds,
  width: number,
  height: number,
  padding = 0,
): (x: number, y: number) => [lng: number, lat: number] {
  const { kx, scale, offsetX, offsetY } = fit(bounds, width, height, padding);
  return (x, y) => [bounds.minLng + (x - offsetX) / (kx * scale), bounds.maxLat - (y - offsetY) / scale];
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** An SVG path for a polygon (holes included; draw with fill-rule evenodd). */
export function polygonPath(polygon: PolygonGeometry, project: Project): string {
  return polygon.coordinates
    .filter((ring) => ring.length > 0)
    .map(
      (ring) =>
        ring
          .map(([lng, lat], index) => {
            const [x, y] = project(lng, lat);
            return `${index === 0 ? 'M' : 'L'}${round(x)},${round(y)}`;
          })
          .join('') + 'Z',
    )
    .join('');
}
