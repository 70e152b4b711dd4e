import { describe, expect, it } from 'vitest';
import { isTileTemplate, MAX_TILES, tileAt, tileBounds, tilesCovering, zoomFor } from './map-tiles';

describe('base map tiles', () => {
  it.each([
    ['http://tiles.intranet/{z}/{x}/{y}.png', true],
    ['https://gis.city.gov.cn/wmts?layer=base&z={z}&x={x}&y={y}', true],
    ['ftp://tiles.intranet/{z}/{x}/{y}.png', false],
    ['http://tiles.intranet/{z}/{x}.png', false],
    ['http://tiles.intranet/{z}/{x}/{y}/{y}.png', false],
    ['/tiles/{z}/{x}/{y}.png', false],
    ['not a url {z}{x}{y}', false],
  ])('%s is a tile template: %s', (template, valid) => {
    expect(isTileTemplate(template)).toBe(valid);
  });

  // Hand-computed: at zoom 1 the world is 2 × 2 tiles split at 0° and the equator.
  it.each([
    [0, 0, 1, { x: 1, y: 1 }],
    [-180, 85.05112878, 1, { x: 0, y: 0 }],
    [90, 0, 2, { x: 3, y: 2 }],
  ])('(%s, %s) at zoom %s is in tile %o', (lng, lat, z, tile) => {
    const at = tileAt(lng, lat, z);
    expect(at.x).toBeCloseTo(tile.x, 9);
    expect(at.y).toBeCloseTo(tile.y, 9);
  });

  it('gives a tile its corners, and a corner back its tile', () => {
    expect(tileBounds(1, 1, 0)).toEqual({ west: 0, east: 180, north: expect.closeTo(85.0511, 4), south: 0 });
    const { west, north } = tileBounds(15, 27_321, 13_492);
    const back = tileAt(west + 1e-9, north - 1e-9, 15);
    expect([Math.floor(back.x), Math.floor(back.y)]).toEqual([27_321, 13_492]);
  });

  it.each([
    // 256 px per 360° is zoom 0; each doubling of the scale is one zoom more, rounded up.
    [256 / 360, 0],
    [512 / 360, 1],
    [600 / 360, 2],
    [1e9, 18],
    [0, 0],
  ])('draws %s px a degree with tiles of zoom %s', (pixelsPerDegree, z) => {
    expect(zoomFor(pixelsPerDegree)).toBe(z);
  });

  it('covers a district with tiles in order, their urls filled in', () => {
    // A 0.02° × 0.02° district in Hangzhou drawn 900 px wide: ~45,000 px a degree, zoom 16.
    const bounds = { west: 120.16, south: 30.24, east: 120.18, north: 30.26 };
    const tiles = tilesCovering('http://t/{z}/{x}/{y}.png', bounds, 45_000);
    expect(new Set(tiles.map((t) => t.z))).toEqual(new Set([16]));
    expect(tiles.length).toBeLessThanOrEqual(MAX_TILES);
    for (const tile of tiles) {
      expect(tile.url).toBe(`http://t/16/${tile.x}/${tile.y}.png`);
      // Each tile overlaps the district.
      expect(tile.west < bounds.east && tile.east > bounds.west).toBe(true);
      expect(tile.south < bounds.north && tile.north > bounds.south).toBe(true);
    }
    const union = {
      west: Math.min(...tiles.map((t) => t.west)),
      east: Math.max(...tiles.map((t) => t.east)),
      south: Math.min(...tiles.map((t) => t.south)),
      north: Math.max(...tiles.map((t) => t.north)),
    };
    expect(union.west <= bounds.west && union.east >= bounds.east).toBe(true);
    expect(union.south <= bounds.south && union.north >= bounds.north).toBe(true);
  });

  it('takes a coarser zoom rather than more than its tile budget', () => {
    const city = { west: 119.9, south: 30.0, east: 120.5, north: 30.5 };
    const tiles = tilesCovering('http://t/{z}/{x}/{y}.png', city, 1_000_000);
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.length).toBeLessThanOrEqual(MAX_TILES);
    expect(tiles[0]!.z).toBeLessThan(18);
  });
});
