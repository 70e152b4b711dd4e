import { parseCaseSearch, type PolygonGeometry, type Region } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import {
  CASE_PAGE_SIZE,
  DEFAULT_LIST_FILTERS,
  filtersFromHash,
  hashForFilters,
  pageCount,
  searchQuery,
} from '../client/src/lib/case-list-query';
import { findPlaces, gridAt } from '../client/src/lib/place-directory';

describe('the case list in the address', () => {
  it('round-trips every filter through the hash, and leaves defaults out', () => {
    expect(hashForFilters(DEFAULT_LIST_FILTERS)).toBe('#/cases');
    const filters = {
      ...DEFAULT_LIST_FILTERS,
      state: 'all' as const,
      q: '路灯 东门',
      source: 'hotline' as const,
      assignee: 'me',
      from: '2026-11-01',
      to: '2026-11-30',
      awaitingMine: true,
      overdueOnly: true,
      sort: 'severity' as const,
      page: 3,
    };
    const hash = hashForFilters(filters);
    expect(hash).toMatch(/^#\/cases\?/);
    expect(filtersFromHash(hash)).toEqual(filters);
  });

  it('ignores what it does not understand instead of failing the page', () => {
    expect(filtersFromHash('#/cases?state=gone&source=fax&page=-4&from=yesterday&sort=random')).toEqual(
      DEFAULT_LIST_FILTERS,
    );
    expect(filtersFromHash('#/cases?page=999999').page).toBe(201);
    expect(filtersFromHash(`#/cases?q=${'灯'.repeat(80)}`).q).toHaveLength(50);
  });

  it('asks the API for exactly what the filters say, and the API accepts it', () => {
    const filters = {
      ...filtersFromHash('#/cases?state=all&q=路灯&assignee=me&from=2026-11-01&to=2026-11-01&awaiting=mine'),
      page: 2,
    };
    const query = searchQuery(filters, 'u-op1', 0);
    const params = Object.fromEntries(new URLSearchParams(query));
    expect(params).toMatchObject({
      state: 'all',
      q: '路灯',
      assignee: 'u-op1',
      awaiting: 'verification',
      limit: String(CASE_PAGE_SIZE),
      offset: String(CASE_PAGE_SIZE),
    });
    // One whole local day, inclusive.
    expect(Number(params.to) - Number(params.from)).toBe(24 * 3600_000 - 1);
    expect(new Date(Number(params.from)).getHours()).toBe(0);
    expect(parseCaseSearch(params)).toMatchObject({ ok: true, value: { text: '路灯', offset: 50 } });

    const overdue = Object.fromEntries(
      new URLSearchParams(searchQuery({ ...DEFAULT_LIST_FILTERS, overdueOnly: true }, 'u-op1', 1234)),
    );
    expect(overdue.dueBefore).toBe('1234');
    expect(parseCaseSearch(overdue).ok).toBe(true);
  });

  it('counts pages, at least one', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(CASE_PAGE_SIZE)).toBe(1);
    expect(pageCount(CASE_PAGE_SIZE + 1)).toBe(2);
  });
});

describe("the district's address book", () => {
  const square = (x: number, y: number): PolygonGeometry => ({
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ],
  });
  const regions: Region[] = [
    { id: 'D1', level: 'district', parentId: null, name: '清河区', boundary: null },
    { id: 'S1', level: 'street', parentId: 'D1', name: '望江街道', boundary: null },
    { id: 'C1', level: 'community', parentId: 'S1', name: '江城社区', boundary: null },
    { id: 'C2', level: 'community', parentId: 'S1', name: '秋涛社区', boundary: null },
    { id: 'G01', level: 'grid', parentId: 'C1', name: '江城社区第1网格', boundary: square(120, 30) },
    { id: 'G02', level: 'grid', parentId: 'C1', name: '江城社区第2网格', boundary: square(121, 30) },
    { id: 'G03', level: 'grid', parentId: 'C2', name: '秋涛社区第1网格', boundary: square(122, 30) },
  ];
  const ids = (text: string) => findPlaces(regions, text).map((match) => match.gridId);

  it('finds grids by their own, their community’s or their street’s name, or by id', () => {
    expect(ids('江城')).toEqual(['G01', 'G02']);
    expect(ids('望江街道')).toEqual(['G01', 'G02', 'G03']);
    expect(ids('秋涛')).toEqual(['G03']);
    expect(ids('g02')).toEqual(['G02']);
    expect(ids('第2网格')).toEqual(['G02']);
    expect(ids('江城 第2')).toEqual(['G02']);
    expect(ids('清河区')).toEqual([]);
    expect(ids('  ')).toEqual([]);
    expect(findPlaces(regions, '秋涛')[0]!.path).toEqual(['望江街道', '秋涛社区', '秋涛社区第1网格']);
  });

  it('ranks a match in the grid’s own name first, and stops at the limit', () => {
    expect(ids('网格 第1')).toEqual(['G01', 'G03']);
    expect(findPlaces(regions, '社区', 2)).toHaveLength(2);
  });

  it('names the grid under a point on the map', () => {
    expect(gridAt(regions, 30.5, 121.5)?.id).toBe('G02');
    expect(gridAt(regions, 35, 125)).toBeUndefined();
  });
});
