import type { PolygonGeometry, Region } from '@gridsense/core';
import { findAncestorOverruns, findGridOverlaps } from '@gridsense/core/grid-overlap';
import { afterAll, describe, expect, it } from 'vitest';
import { GridOverlapCheck } from './grid-overlap-check';

/** A closed ring of `n` vertices around a centre, as a polygon. */
function disc(lng: number, lat: number, radius: number, n: number): PolygonGeometry {
  const ring = Array.from({ length: n }, (_, i): [number, number] => [
    lng + radius * Math.cos((2 * Math.PI * i) / n),
    lat + radius * Math.sin((2 * Math.PI * i) / n),
  ]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

const grid = (id: string, boundary: PolygonGeometry): Region => ({
  id,
  level: 'grid',
  parentId: 'C1',
  name: `网格 ${id}`,
  boundary,
});

describe('GridOverlapCheck', () => {
  const check = new GridOverlapCheck();
  afterAll(() => check.close());

  it('answers what findGridOverlaps answers, from a worker thread', async () => {
    const regions = [
      grid('A', disc(120, 30, 0.01, 400)),
      grid('B', disc(120.015, 30, 0.01, 400)),
      grid('FAR', disc(121, 31, 0.01, 400)),
    ];
    const boundary = disc(120.005, 30, 0.01, 2_000);
    const { overlaps } = await check.find(boundary, 'NEW', undefined, regions);
    expect(overlaps.map((o) => o.gridId)).toEqual(['A', 'B']);
    expect(overlaps).toEqual(findGridOverlaps(boundary, 'NEW', regions));
    // A grid is never its own neighbour; one far away is not even sent to the worker.
    const own = await check.find(regions[0]!.boundary!, 'A', undefined, regions);
    expect(own.overlaps.map((o) => o.gridId)).toEqual(['B']);
    expect(await check.find(disc(100, 10, 0.01, 10), 'X', undefined, regions)).toEqual({
      overlaps: [],
      overruns: [],
    });
  });

  it('checks the grid against every ancestor, even one whose box it does not meet', async () => {
    const district: Region = {
      id: 'D',
      level: 'district',
      parentId: null,
      name: '区',
      boundary: disc(120, 30, 0.05, 100),
    };
    const community: Region = {
      id: 'C1',
      level: 'community',
      parentId: 'D',
      name: '社区',
      boundary: disc(120, 30, 0.02, 100),
    };
    const regions = [district, community, grid('A', disc(120, 30, 0.01, 100))];
    const away = disc(120.5, 30, 0.01, 100);
    const { overlaps, overruns } = await check.find(away, 'NEW', 'C1', regions);
    expect(overlaps).toEqual([]);
    expect(overruns.map((o) => o.regionId)).toEqual(['C1', 'D']);
    expect(overruns).toEqual(findAncestorOverruns(away, [community, district]));
  });

  it('keeps the event loop turning while a detailed boundary is clipped against many grids', async () => {
    const regions = Array.from({ length: 40 }, (_, i) =>
      grid(`G${i}`, disc(120 + i * 0.001, 30, 0.01, 2_000)),
    );
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    const { overlaps } = await check.find(disc(120.02, 30, 0.02, 4_000), 'NEW', undefined, regions);
    clearInterval(ticker);
    expect(overlaps).toHaveLength(40);
    // Clipping ran elsewhere: this thread kept serving timers all along.
    expect(turns).toBeGreaterThan(0);
  });
});
