/**
 * A base map under the console's own drawing, from a tile server the operator configures (an
 * intranet one: nothing is fetched from outside unless configured). Standard XYZ tiles in Web
 * Mercator, 256 px each. The console draws its map in a projection fitted to the district; over a
 * district the two agree to well under a pixel, so each tile is placed by its corners.
 */
export interface BaseMap {
  /** `http(s)://…/{z}/{x}/{y}.png`: where tile z/x/y is. */
  tiles: string;
  /** Shown on the map, as tile providers require. */
  attribution: string;
}

export interface TileBounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface Tile extends TileBounds {
  url: string;
  z: number;
  x: number;
  y: number;
}

const TILE_PX = 256;
export const MAX_TILE_ZOOM = 18;
/** More tiles than this for one view and a coarser zoom is taken: a wall screen stays cheap. */
export const MAX_TILES = 64;
/** Web Mercator's edge: tiles stop here. */
const MAX_LAT = 85.05112878;

/** Whether `template` is an http(s) URL naming {z}, {x} and {y} once each. */
export function isTileTemplate(template: string): boolean {
  let url: URL;
  try {
    url = new URL(template.replace(/\{[zxy]\}/g, '0'));
  } catch {
    return false;
  }
  const once = (part: string) => template.split(part).length === 2;
  return (url.protocol === 'http:' || url.protocol === 'https:') && once('{z}') && once('{x}') && once('{y}');
}

export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}

const clampLat = (lat: number) => Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));

/** The tile column and row holding a position at zoom z (fractional). */
export function tileAt(lng: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const rad = (clampLat(lat) * Math.PI) / 180;
  return {
    x: ((lng + 180) / 360) * n,
    y: ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n,
  };
}

/** The corners of tile z/x/y. */
export function tileBounds(z: number, x: number, y: number): TileBounds {
  const n = 2 ** z;
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / n))) * 180) / Math.PI;
  return { west: (x / n) * 360 - 180, east: ((x + 1) / n) * 360 - 180, north: lat(y), south: lat(y + 1) };
}

/**
 * The zoom whose tiles are at least as sharp as the map drawn at `pixelsPerDegree` (screen pixels
 * per degree of longitude), within 0…MAX_TILE_ZOOM.
 */
export function zoomFor(pixelsPerDegree: number): number {
  if (!(pixelsPerDegree > 0)) return 0;
  const z = Math.ceil(Math.log2((pixelsPerDegree * 360) / TILE_PX) - 1e-9);
  return Math.max(0, Math.min(MAX_TILE_ZOOM, z));
}

/** The tiles covering `bounds` at the sharpest zoom that needs at most MAX_TILES of them. */
export function tilesCovering(template: string, bounds: TileBounds, pixelsPerDegree: number): Tile[] {
  for (let z = zoomFor(pixelsPerDegree); z >= 0; z--) {
    const n = 2 ** z;
    const from = tileAt(bounds.west, bounds.north, z);
    const to = tileAt(bounds.east, bounds.south, z);
    const [x0, x1] = [Math.max(0, Math.floor(from.x)), Math.min(n - 1, Math.floor(to.x))];
    const [y0, y1] = [Math.max(0, Math.floor(from.y)), Math.min(n - 1, Math.floor(to.y))];
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES && z > 0) continue;
    const tiles: Tile[] = [];
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++)
        tiles.push({ url: tileUrl(template, z, x, y), z, x, y, ...tileBounds(z, x, y) });
    return tiles;
  }
  return [];
}
