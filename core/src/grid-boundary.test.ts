import { describe, expect, it } from 'vitest';
import { inEnglish } from './errors';
import { BOUNDARY_LIMITS, parseGridBoundary } from './grid-boundary';

const RING: [number, number][] = [
  [120, 30],
  [120.01, 30],
  [120.01, 30.01],
  [120, 30],
];

/** The result with its problems as the API words them in English. */
function parsed(input: unknown, expectedGridId?: string) {
  const result = parseGridBoundary(input, expectedGridId);
  return result.ok ? result : { ...result, errors: inEnglish(result.errors) };
}

describe('parseGridBoundary', () => {
  it('takes a Feature, a FeatureCollection of one, a bare geometry and a one-part MultiPolygon', () => {
    const polygon = { type: 'Polygon', coordinates: [RING] };
    const expected = { ok: true, boundary: polygon };
    expect(parsed(polygon)).toMatchObject({ ...expected, gridId: null });
    expect(
      parsed({ type: 'Feature', properties: { grid_id: 'G1', name: '一网格' }, geometry: polygon }, 'G1'),
    ).toEqual({ ...expected, gridId: 'G1', name: '一网格' });
    expect(
      parsed({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: polygon }] }),
    ).toMatchObject(expected);
    expect(parsed({ type: 'MultiPolygon', coordinates: [[RING]] })).toMatchObject(expected);
  });

  it('lists what is wrong', () => {
    expect(parsed({ type: 'MultiPolygon', coordinates: [[RING], [RING]] })).toEqual({
      ok: false,
      errors: ['a grid boundary must be one polygon; this MultiPolygon has several parts'],
    });
    expect(parsed({ type: 'FeatureCollection', features: [] })).toEqual({
      ok: false,
      errors: ['the FeatureCollection must hold exactly 1 feature (it has 0)'],
    });
    expect(parsed({ type: 'Polygon', coordinates: [RING, [[1, 2], 'x', [1, 2], [1, 95]]] })).toEqual({
      ok: false,
      errors: [
        'hole 1 position 2 must be [longitude, latitude]',
        'hole 1 position 4 is outside WGS-84 (longitude −180…180, latitude −90…90)',
      ],
    });
    expect(parsed('{}')).toEqual({ ok: false, errors: ['the file is not a GeoJSON object'] });
  });

  it('refuses boundaries past the vertex and ring limits before looking at each position', () => {
    const circle = (n: number): [number, number][] => {
      const ring = Array.from({ length: n }, (_, i): [number, number] => [
        120 + 0.01 * Math.cos((2 * Math.PI * i) / n),
        30 + 0.01 * Math.sin((2 * Math.PI * i) / n),
      ]);
      return [...ring, ring[0]!];
    };
    expect(parsed({ type: 'Polygon', coordinates: [circle(BOUNDARY_LIMITS.verticesPerRing - 1)] }).ok).toBe(
      true,
    );
    const tooLong = circle(BOUNDARY_LIMITS.verticesPerRing);
    expect(parsed({ type: 'Polygon', coordinates: [tooLong] })).toEqual({
      ok: false,
      errors: [`the outer ring has ${tooLong.length} positions; at most ${BOUNDARY_LIMITS.verticesPerRing}`],
    });
    const rings = Array.from({ length: BOUNDARY_LIMITS.rings + 1 }, () => RING);
    expect(parsed({ type: 'Polygon', coordinates: rings })).toEqual({
      ok: false,
      errors: [`the polygon has ${rings.length} rings; at most ${BOUNDARY_LIMITS.rings}`],
    });
    const many = [circle(4_000), circle(4_000), circle(4_000)];
    expect(parsed({ type: 'Polygon', coordinates: many })).toEqual({
      ok: false,
      errors: [`the polygon has ${3 * 4_001} positions; at most ${BOUNDARY_LIMITS.vertices}`],
    });
  });

  it('names a ring by its index and a position by its number, for each language to word', () => {
    const result = parseGridBoundary({ type: 'Polygon', coordinates: [RING, [[1, 2], 'x', [1, 2], [1, 2]]] });
    expect(result).toEqual({
      ok: false,
      errors: [{ key: 'boundary.positionShape', params: { ring: 1, position: 2 } }],
    });
  });

  it('names a few bad positions and counts the rest', () => {
    const junk = [...RING.slice(0, 1), ...Array.from({ length: 20 }, () => 'x'), RING[0]];
    const result = parsed({ type: 'Polygon', coordinates: [junk] });
    expect(result).toEqual({
      ok: false,
      errors: [
        'the outer ring position 2 must be [longitude, latitude]',
        'the outer ring position 3 must be [longitude, latitude]',
        'the outer ring position 4 must be [longitude, latitude]',
        'the outer ring position 5 must be [longitude, latitude]',
        'the outer ring position 6 must be [longitude, latitude]',
        'the outer ring has 15 more bad positions',
      ],
    });
  });
});
