import { describe, expect, it } from 'vitest';
import { pointInPolygon, polygonCentroid } from './geo';
import { gridsInRegion, regionLineage, type PolygonGeometry, type Region, type RegionLevel } from './model';
import { busTopic, deviceTopic, devicePrefix, parseDeviceTopic, type DeviceTopic } from './topics';

describe('parseDeviceTopic', () => {
  const id64 = 'A'.repeat(64);
  it.each<[string, DeviceTopic]>([
    ['gs/v1/g-1/sd_01/telemetry', { gridId: 'g-1', deviceId: 'sd_01', kind: 'telemetry' }],
    ['gs/v1/g-1/cam-17/event', { gridId: 'g-1', deviceId: 'cam-17', kind: 'event' }],
    ['gs/v1/g-1/sd_01/status', { gridId: 'g-1', deviceId: 'sd_01', kind: 'status' }],
    ['gs/v1/a/B/status', { gridId: 'a', deviceId: 'B', kind: 'status' }],
    [`gs/v1/${id64}/${id64}/telemetry`, { gridId: id64, deviceId: id64, kind: 'telemetry' }],
  ])('accepts %s', (topic, parsed) => {
    expect(parseDeviceTopic(topic)).toEqual(parsed);
    expect(deviceTopic(parsed.gridId, parsed.deviceId, parsed.kind)).toBe(topic);
  });

  it.each([
    ['empty', ''],
    ['wrong version', 'gs/v2/g-1/d-1/telemetry'],
    ['wrong prefix case', 'GS/v1/g-1/d-1/telemetry'],
    ['internal bus topic', 'gridsense/risk/changed'],
    ['leading slash', '/gs/v1/g-1/d-1/telemetry'],
    ['trailing slash', 'gs/v1/g-1/d-1/telemetry/'],
    ['extra level', 'gs/v1/g-1/d-1/telemetry/x'],
    ['missing kind', 'gs/v1/g-1/d-1'],
    ['unknown kind', 'gs/v1/g-1/d-1/command'],
    ['kind in capitals', 'gs/v1/g-1/d-1/Telemetry'],
    ['empty grid id', 'gs/v1//d-1/telemetry'],
    ['empty device id', 'gs/v1/g-1//telemetry'],
    ['65-char grid id', `gs/v1/${'g'.repeat(65)}/d-1/telemetry`],
    ['65-char device id', `gs/v1/g-1/${'d'.repeat(65)}/telemetry`],
    ['dot in id', 'gs/v1/g.1/d-1/telemetry'],
    ['space in id', 'gs/v1/g-1/d 1/telemetry'],
    ['colon in id', 'gs/v1/g-1/d:1/event'],
    ['single-level wildcard', 'gs/v1/+/d-1/telemetry'],
    ['multi-level wildcard', 'gs/v1/g-1/#'],
    ['non-ASCII id', 'gs/v1/网格1/d-1/telemetry'],
    ['trailing newline', 'gs/v1/g-1/d-1/telemetry\n'],
  ])('rejects %s', (_name, topic) => {
    expect(parseDeviceTopic(topic)).toBeUndefined();
  });

  it('devicePrefix is the root every topic of that device starts with', () => {
    expect(devicePrefix('g-1', 'd-1')).toBe('gs/v1/g-1/d-1/');
    expect(deviceTopic('g-1', 'd-1', 'event').startsWith(devicePrefix('g-1', 'd-1'))).toBe(true);
  });
});

describe('busTopic', () => {
  it.each([
    ['risk.changed', 'gridsense/risk/changed'],
    ['case.changed', 'gridsense/case/changed'],
    ['device.status_changed', 'gridsense/device/status_changed'],
  ] as const)('%s → %s, outside the device prefix', (event, topic) => {
    expect(busTopic(event)).toBe(topic);
    expect(parseDeviceTopic(topic)).toBeUndefined();
  });
});

describe('pointInPolygon', () => {
  const squareWithHole: PolygonGeometry = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
        [0, 0],
      ],
      [
        [4, 4],
        [6, 4],
        [6, 6],
        [4, 6],
        [4, 4],
      ],
    ],
  };
  /** An L shape: the notch at the top right is outside. */
  const ell: PolygonGeometry = {
    type: 'Polygon',
    coordinates: [
      [
        [120.1, 30.2],
        [120.3, 30.2],
        [120.3, 30.25],
        [120.15, 30.25],
        [120.15, 30.3],
        [120.1, 30.3],
        [120.1, 30.2],
      ],
    ],
  };
  it.each<[string, PolygonGeometry, number, number, boolean]>([
    ['inside the outer ring', squareWithHole, 2, 2, true],
    ['inside near the hole', squareWithHole, 3.9, 5, true],
    ['inside the hole', squareWithHole, 5, 5, false],
    ['outside to the right', squareWithHole, 11, 5, false],
    ['outside below-left', squareWithHole, -1, -1, false],
    ['outside above', squareWithHole, 5, 10.5, false],
    ['L shape: lower arm', ell, 120.25, 30.22, true],
    ['L shape: upper arm', ell, 120.12, 30.28, true],
    ['L shape: in the notch', ell, 120.25, 30.28, false],
    ['lng/lat swapped', ell, 30.22, 120.25, false],
    ['no rings', { type: 'Polygon', coordinates: [] }, 0, 0, false],
  ])('%s → %s', (_name, polygon, lng, lat, inside) => {
    expect(pointInPolygon(lng, lat, polygon)).toBe(inside);
  });

  it('polygonCentroid averages the outer ring without its closing point', () => {
    expect(polygonCentroid(squareWithHole)).toEqual({ lng: 5, lat: 5 });
    expect(polygonCentroid({ type: 'Polygon', coordinates: [] })).toEqual({ lng: 0, lat: 0 });
  });
});

describe('region tree', () => {
  const region = (id: string, level: RegionLevel, parentId: string | null): Region => ({
    id,
    level,
    parentId,
    name: id,
    boundary: null,
  });
  // Deliberately unordered: children before parents, grid ids not in sort order.
  const regions: Region[] = [
    region('g10', 'grid', 'c1'),
    region('g2', 'grid', 'c1'),
    region('c1', 'community', 's1'),
    region('g3', 'grid', 'c2'),
    region('s1', 'street', 'd1'),
    region('c2', 'community', 's2'),
    region('s2', 'street', 'd1'),
    region('c3', 'community', 's2'),
    region('d1', 'district', null),
    region('d2', 'district', null),
    region('s9', 'street', 'd2'),
    region('g9', 'grid', 's9'),
  ];

  it.each<[string, string[]]>([
    ['d1', ['g10', 'g2', 'g3']],
    ['s1', ['g10', 'g2']],
    ['c1', ['g10', 'g2']],
    ['s2', ['g3']],
    ['g3', ['g3']],
    ['c3', []],
    ['d2', ['g9']],
    ['nowhere', []],
  ])('gridsInRegion(%s) → %o', (regionId, grids) => {
    expect(gridsInRegion(regions, regionId)).toEqual(grids);
  });

  it.each<[string, string[]]>([
    ['g2', ['g2', 'c1', 's1', 'd1']],
    ['g3', ['g3', 'c2', 's2', 'd1']],
    ['g9', ['g9', 's9', 'd2']],
    ['c3', ['c3', 's2', 'd1']],
    ['d1', ['d1']],
    ['nowhere', []],
  ])('regionLineage(%s) → %o, nearest first', (regionId, lineage) => {
    expect(regionLineage(regions, regionId).map((r) => r.id)).toEqual(lineage);
  });
});
