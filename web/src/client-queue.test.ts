import type { TimelineEntry } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { isOverdue, isPinned, type QueueCase } from '../client/src/lib/case-queue';
import {
  chartableMetrics,
  metricRows,
  shortDeviceName,
  sortRejects,
  totalRejects,
} from '../client/src/lib/device-health';
import { triggerSnapshot, triggerTime } from '../client/src/lib/timeline';

const MINUTE = 60_000;
const NOW = 1_800_000_000_000;

function makeCase(id: string, overrides: Partial<QueueCase> = {}): QueueCase {
  return {
    id,
    state: 'dispatched',
    acceptDueAt: NOW + 10 * MINUTE,
    resolveDueAt: NOW + 120 * MINUTE,
    ...overrides,
  };
}

describe('isOverdue', () => {
  it.each([
    ['accept clock running', makeCase('a'), false],
    ['accept clock run out', makeCase('a', { acceptDueAt: NOW - 1 }), true],
    [
      'accepted, resolve clock run out',
      makeCase('a', { state: 'accepted', acceptDueAt: null, resolveDueAt: NOW - 1 }),
      true,
    ],
    ['resolved cases have no clock', makeCase('a', { state: 'resolved', acceptDueAt: NOW - 1 }), false],
    ['no deadlines at all', makeCase('a', { acceptDueAt: null, resolveDueAt: null }), false],
  ])('%s', (_name, record, expected) => {
    expect(isOverdue(record, NOW)).toBe(expected);
  });
});

describe('isPinned', () => {
  it('pins a returned case, and nothing else', () => {
    expect(isPinned(makeCase('a', { state: 'returned' }))).toBe(true);
    expect(isPinned(makeCase('a'))).toBe(false);
    expect(isPinned(makeCase('a', { state: 'reopened' }))).toBe(false);
  });
});

describe('device health', () => {
  it('lists the contract metrics in order with units, silent ones as null, then unknown extras', () => {
    const rows = metricRows('smoke_detector', {
      battery: { ts: 1, value: 80 },
      smoke: { ts: 2, value: 0.3 },
      humidity: { ts: 3, value: 55 },
    });
    expect(rows.map((row) => [row.metric, row.unit, row.latest?.value ?? null])).toEqual([
      ['smoke', '%obs/m', 0.3],
      ['temperature', '°C', null],
      ['battery', '%', 80],
      ['humidity', '', 55],
    ]);
    expect(metricRows('manhole_cover', {}).map((row) => row.kind)).toEqual(['number', 'boolean']);
    expect(metricRows('camera', {})).toEqual([]);
  });

  it('offers a grid the usual alarm metric first: numeric ones by device type order, booleans last', () => {
    const metrics = chartableMetrics([
      { type: 'door_sensor', latest: {} },
      { type: 'electrical_fire', latest: {} },
      { type: 'smoke_detector', latest: {} },
      { type: 'camera', latest: {} },
    ]);
    expect(metrics.map((row) => row.metric)).toEqual([
      'smoke',
      'temperature',
      'battery',
      'leakage_current',
      'cable_temperature',
      'opened',
    ]);
  });

  it('sorts rejects newest first and totals them', () => {
    const rejects = [
      { reason: 'bad_json', count: 3, lastDetail: 'x', lastAt: 10 },
      { reason: 'out_of_range', count: 1, lastDetail: 'smoke=150', lastAt: 20 },
    ];
    expect(sortRejects(rejects).map((reject) => reject.reason)).toEqual(['out_of_range', 'bad_json']);
    expect(totalRejects(rejects)).toBe(4);
  });

  it('drops the grid name from a device name shown inside that grid', () => {
    expect(shortDeviceName('江城社区第1网格 烟感 1号', '江城社区第1网格')).toBe('烟感 1号');
    expect(shortDeviceName('烟感 1号', '江城社区第1网格')).toBe('烟感 1号');
    expect(shortDeviceName('江城社区第1网格', '江城社区第1网格')).toBe('江城社区第1网格');
    expect(shortDeviceName('江城社区第1网格 烟感', undefined)).toBe('江城社区第1网格 烟感');
  });
});

describe('trigger of a case', () => {
  const entry = (data: Record<string, unknown> | null): TimelineEntry => ({
    id: 1,
    caseId: 'C1',
    at: NOW,
    actorId: 'system',
    actorName: '系统',
    action: 'report',
    fromState: null,
    toState: 'reported',
    note: null,
    data,
  });

  it('finds the camera snapshot on the opening entry, only as an http(s) URL', () => {
    expect(triggerSnapshot([entry({ snapshot: 'https://cam-17.example/snap/7.jpg' })])).toBe(
      'https://cam-17.example/snap/7.jpg',
    );
    expect(triggerSnapshot([entry({ snapshot: 'javascript:alert(1)' })])).toBeNull();
    expect(triggerSnapshot([entry({ metric: 'smoke' })])).toBeNull();
    expect(triggerSnapshot([])).toBeNull();
  });

  it('marks the reading time when recorded, else the opening', () => {
    expect(triggerTime([entry({ readingAt: NOW - 5000 })], NOW)).toBe(NOW - 5000);
    expect(triggerTime([entry({ readingAt: 'soon' })], NOW)).toBe(NOW);
    expect(triggerTime([], NOW)).toBe(NOW);
  });
});
