import { describe, expect, it } from 'vitest';
import { parseGridBoundary } from './grid-boundary';

const RING: [number, number][] = [
  [120, 30],
  [120.01, 30],
  [120.01, 30.01],
  [120, 30],
];

describe('parseGridBoundary', () => {
  it('takes a Feature, a FeatureCollection of one, a bare geometry and a one-part MultiPolygon', () => {
    const polygon = { type: 'Polygon', coordinates: [RING] };
    const expected = { ok: true, boundary: polygon };
    expect(parseGridBoundary(polygon)).toMatchObject({ ...expected, gridId: null });
    expect(
      parseGridBoundary(
        { type: 'Feature', properties: { grid_id: 'G1', name: '一网格' }, geometry: polygon },
        'G1',
      ),
    ).toEqual({ ...expected, gridId: 'G1', name: '一网格' });
    expect(
      parseGridBoundary({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: polygon }] }),
    ).toMatchObject(expected);
    expect(parseGridBoundary({ type: 'MultiPolygon', coordinates: [[RING]] })).toMatchObject(expected);
  });

  it('lists what is wrong', () => {
    expect(parseGridBoundary({ type: 'MultiPolygon', coordinates: [[RING], [RING]] })).toEqual({
      ok: false,
      errors: ['a grid boundary must be one polygon; this MultiPolygon has several parts'],
    });
    expect(parseGridBoundary({ type: 'FeatureCollection', features: [] })).toEqual({
      ok: false,
      errors: ['the FeatureCollection must hold exactly 1 feature (it has 0)'],
    });
    expect(
      parseGridBoundary({ type: 'Polygon', coordinates: [RING, [[1, 2], 'x', [1, 2], [1, 95]]] }),
    ).toEqual({
      ok: false,
      errors: [
        'hole 1 position 2 must be [longitude, latitude]',
        'hole 1 position 4 is outside WGS-84 (longitude −180…180, latitude −90…90)',
      ],
    });
    expect(parseGridBoundary('{}')).toEqual({ ok: false, errors: ['the file is not a GeoJSON object'] });
  });
});
