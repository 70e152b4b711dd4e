import { describe, expect, it } from 'vitest';
import { findAncestorOverruns, findGridOverlaps } from './grid-overlap';
import type { PolygonGeometry, Region } from './model';

/** An axis-aligned box in degrees, [lng, lat] corners, optionally with a hole. */
function box(
  west: number,
  south: number,
  east: number,
  north: number,
  hole?: PolygonGeometry,
): PolygonGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
      ...(hole ? hole.coordinates : []),
    ],
  };
}

const grid = (id: string, boundary: PolygonGeometry | null): Region => ({
  id,
  level: 'grid',
  parentId: 'C1',
  name: `网格 ${id}`,
  boundary,
});

// 0.01° squares near Shanghai: about 1.1 km × 0.95 km.
const LAT = 31.2;
const M2_PER_DEG2 = 110_574 * 111_320 * Math.cos((LAT * Math.PI) / 180);

describe('findGridOverlaps', () => {
  const west = grid('W', box(121.4, LAT, 121.41, LAT + 0.01));

  it('lets neighbours share an edge', () => {
    expect(findGridOverlaps(box(121.41, LAT, 121.42, LAT + 0.01), 'E', [west])).toEqual([]);
  });

  it('names the grid overlapped, with the area in m² and the share of the smaller grid', () => {
    const [overlap, ...rest] = findGridOverlaps(box(121.405, LAT, 121.415, LAT + 0.01), 'E', [west]);
    expect(rest).toEqual([]);
    expect(overlap?.gridId).toBe('W');
    expect(overlap?.name).toBe('网格 W');
    expect(overlap?.share).toBeCloseTo(0.5, 3);
    expect(overlap?.areaM2).toBeCloseTo(0.005 * 0.01 * M2_PER_DEG2, -2);
  });

  it('ignores a digitising sliver under half a percent, but not one over it', () => {
    const sliver = box(121.40998, LAT, 121.42, LAT + 0.01); // 0.2 % of W
    expect(findGridOverlaps(sliver, 'E', [west])).toEqual([]);
    const strip = box(121.4099, LAT, 121.42, LAT + 0.01); // 1 % of W
    expect(findGridOverlaps(strip, 'E', [west]).map((o) => o.gridId)).toEqual(['W']);
  });

  it('lets a grid sit in another grid’s hole, and skips itself, other levels and unmapped grids', () => {
    const inner = box(121.403, LAT + 0.003, 121.406, LAT + 0.006);
    const ring = grid('R', box(121.4, LAT, 121.41, LAT + 0.01, inner));
    expect(findGridOverlaps(inner, 'I', [ring])).toEqual([]);
    expect(findGridOverlaps(west.boundary!, 'W', [west])).toEqual([]);
    const community: Region = { ...west, id: 'C1', level: 'community', parentId: null };
    expect(findGridOverlaps(west.boundary!, 'X', [community, grid('U', null)])).toEqual([]);
  });

  it('lists every grid overlapped, largest overlap first', () => {
    const east = grid('E', box(121.41, LAT, 121.42, LAT + 0.01));
    const wide = box(121.409, LAT, 121.415, LAT + 0.01);
    expect(findGridOverlaps(wide, 'N', [west, east]).map((o) => o.gridId)).toEqual(['E', 'W']);
  });
});

describe('findAncestorOverruns', () => {
  const district: Region = {
    id: 'D1',
    level: 'district',
    parentId: null,
    name: '清河区',
    boundary: box(121.4, LAT, 121.44, LAT + 0.03),
  };
  const street: Region = {
    id: 'S1',
    level: 'street',
    parentId: 'D1',
    name: '西湖街道',
    boundary: box(121.4, LAT, 121.42, LAT + 0.03),
  };
  const community: Region = {
    id: 'C1',
    level: 'community',
    parentId: 'S1',
    name: '柳翠社区',
    boundary: box(121.4, LAT, 121.42, LAT + 0.01),
  };
  const lineage = [community, street, district];

  it('accepts a grid inside its community, up to the community edge', () => {
    expect(findAncestorOverruns(box(121.41, LAT, 121.42, LAT + 0.01), lineage)).toEqual([]);
  });

  it('names the community a grid reaches out of, with the area outside in m² and its share of the grid', () => {
    const [overrun, ...rest] = findAncestorOverruns(box(121.41, LAT + 0.005, 121.42, LAT + 0.015), lineage);
    expect(rest).toEqual([]);
    expect(overrun).toMatchObject({ regionId: 'C1', level: 'community', name: '柳翠社区' });
    expect(overrun?.share).toBeCloseTo(0.5, 3);
    expect(overrun?.areaM2).toBeCloseTo(0.01 * 0.005 * M2_PER_DEG2, -2);
  });

  it('lists every ancestor a grid wholly outside them reaches out of, nearest first', () => {
    const far = findAncestorOverruns(box(121.45, LAT, 121.46, LAT + 0.01), lineage);
    expect(far.map((o) => o.regionId)).toEqual(['C1', 'S1', 'D1']);
    for (const overrun of far) expect(overrun.share).toBeCloseTo(1, 6);
  });

  it('ignores a digitising sliver under half a percent, but not one over it', () => {
    expect(findAncestorOverruns(box(121.41, LAT, 121.42002, LAT + 0.01), lineage)).toEqual([]); // 0.2 %
    const strip = findAncestorOverruns(box(121.41, LAT, 121.4201, LAT + 0.01), lineage); // 1 %
    expect(strip.map((o) => o.regionId)).toEqual(['C1', 'S1']);
  });

  it('skips an ancestor without a boundary, and refuses a grid over a hole in its community', () => {
    const unmapped: Region = { ...street, boundary: null };
    expect(findAncestorOverruns(box(121.42, LAT, 121.43, LAT + 0.01), [unmapped, district])).toEqual([]);
    const lake = box(121.403, LAT + 0.003, 121.406, LAT + 0.006);
    const holed: Region = { ...community, boundary: box(121.4, LAT, 121.42, LAT + 0.01, lake) };
    expect(findAncestorOverruns(lake, [holed]).map((o) => o.regionId)).toEqual(['C1']);
  });
});
