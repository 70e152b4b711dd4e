import { describe, expect, it } from 'vitest';
import type { CaseView, PolygonGeometry } from '@gridsense/core';
import { caseIn } from '../../core/src/case-test-fixture';
import { allowedActions } from '../client/src/lib/case-actions';
import { activeDeadline, countdown, formatDuration, type DurationUnits } from '../client/src/lib/countdown';
import { fitLabel, textEms } from '../client/src/lib/map-labels';
import {
  aspectRatio,
  boundsOf,
  fitInverse,
  fitProjection,
  polygonPath,
  polygonPositions,
} from '../client/src/lib/projection';
import { caseHref, deviceHref, gridHref, homeFor, parseHash } from '../client/src/lib/routes';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZH: DurationUnits = { d: '天', h: '小时', m: '分', s: '秒', sep: '' };

describe('formatDuration', () => {
  it('shows the two largest non-zero units, floored', () => {
    expect(formatDuration(DAY + 3 * HOUR + 59 * MINUTE)).toBe('1d 3h');
    expect(formatDuration(2 * HOUR + 5 * MINUTE + 59 * SECOND)).toBe('2h 5m');
    expect(formatDuration(12 * MINUTE + 30 * SECOND + 999)).toBe('12m 30s');
    expect(formatDuration(45 * SECOND)).toBe('45s');
  });

  it('drops a zero second part instead of printing it', () => {
    expect(formatDuration(2 * HOUR)).toBe('2h');
    expect(formatDuration(3 * DAY + 20 * MINUTE)).toBe('3d');
  });

  it('prints zero and sub-second times as 0s', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(999)).toBe('0s');
  });

  it('uses the magnitude of negative durations (overdue)', () => {
    expect(formatDuration(-(HOUR + 30 * MINUTE))).toBe('1h 30m');
  });

  it('speaks Chinese with the Chinese units and no separator', () => {
    expect(formatDuration(2 * HOUR + 5 * MINUTE, ZH)).toBe('2小时5分');
    expect(formatDuration(DAY + HOUR, ZH)).toBe('1天1小时');
  });
});

describe('countdown', () => {
  const now = 1_700_000_000_000;

  it('is ok with an hour or more left', () => {
    expect(countdown(now + 3 * HOUR, now)).toEqual({ tone: 'ok', text: '3h', remainingMs: 3 * HOUR });
    expect(countdown(now + HOUR, now).tone).toBe('ok');
  });

  it('is urgent under an hour', () => {
    expect(countdown(now + 59 * MINUTE, now)).toMatchObject({ tone: 'urgent', text: '59m' });
    expect(countdown(now, now)).toMatchObject({ tone: 'urgent', text: '0s' });
  });

  it('is overdue past the deadline and counts the time since', () => {
    expect(countdown(now - 90 * MINUTE, now)).toEqual({
      tone: 'overdue',
      text: '1h 30m',
      remainingMs: -90 * MINUTE,
    });
  });
});

describe('activeDeadline', () => {
  it('prefers the accept clock, then the resolve clock', () => {
    expect(activeDeadline({ state: 'dispatched', acceptDueAt: 10, resolveDueAt: 20 })).toEqual({
      kind: 'accept',
      dueAt: 10,
    });
    expect(activeDeadline({ state: 'accepted', acceptDueAt: null, resolveDueAt: 20 })).toEqual({
      kind: 'resolve',
      dueAt: 20,
    });
  });

  it('has no clock once the case is resolved or beyond, or without deadlines', () => {
    for (const state of ['resolved', 'verified', 'closed'] as const) {
      expect(activeDeadline({ state, acceptDueAt: 10, resolveDueAt: 20 })).toBeNull();
    }
    expect(activeDeadline({ state: 'registered', acceptDueAt: null, resolveDueAt: null })).toBeNull();
  });
});

describe('projection', () => {
  const square: PolygonGeometry = {
    type: 'Polygon',
    coordinates: [
      [
        [120, 30],
        [120.01, 30],
        [120.01, 30.01],
        [120, 30.01],
        [120, 30],
      ],
    ],
  };

  it('finds the bounds of all rings and skips missing boundaries', () => {
    expect(boundsOf(polygonPositions([square, null]))).toEqual({
      minLng: 120,
      minLat: 30,
      maxLng: 120.01,
      maxLat: 30.01,
    });
    expect(boundsOf([])).toBeNull();
  });

  it('narrows longitude by cos(latitude)', () => {
    const bounds = { minLng: 120, minLat: 30, maxLng: 120.01, maxLat: 30.01 };
    expect(aspectRatio(bounds)).toBeCloseTo(Math.cos((30.005 * Math.PI) / 180), 4);
    expect(aspectRatio({ minLng: 1, minLat: 1, maxLng: 1, maxLat: 1 })).toBe(1);
  });

  it('turns a tap on the drawing back into the longitude and latitude drawn there', () => {
    const bounds = boundsOf(polygonPositions([square]))!;
    const project = fitProjection(bounds, 360, 240, 16);
    const unproject = fitInverse(bounds, 360, 240, 16);
    for (const [lng, lat] of [
      [120, 30],
      [120.0037, 30.0081],
      [120.01, 30.01],
    ] as const) {
      const [x, y] = project(lng, lat);
      const [backLng, backLat] = unproject(x, y);
      expect(backLng).toBeCloseTo(lng, 9);
      expect(backLat).toBeCloseTo(lat, 9);
    }
    // The top-left padding corner lies north-west of the data.
    const [cornerLng, cornerLat] = unproject(0, 0);
    expect(cornerLat).toBeGreaterThan(30.01);
    expect(cornerLng).toBeLessThan(120);
  });

  it('fits the bounds inside the padded box, north up, centred on the short axis', () => {
    const bounds = boundsOf(polygonPositions([square]))!;
    const project = fitProjection(bounds, 400, 200, 10);
    const [left, top] = project(120, 30.01);
    const [right, bottom] = project(120.01, 30);
    expect(top).toBeCloseTo(10);
    expect(bottom).toBeCloseTo(190);
    // Height limits the scale; the narrower projected width is centred horizontally.
    const width = right - left;
    expect(width).toBeCloseTo(180 * Math.cos((30.005 * Math.PI) / 180), 3);
    expect((left + right) / 2).toBeCloseTo(200);
  });

  it('centres a single point', () => {
    const project = fitProjection({ minLng: 120, minLat: 30, maxLng: 120, maxLat: 30 }, 300, 100, 8);
    expect(project(120, 30)).toEqual([150, 50]);
  });

  it('draws each ring as a closed path, rounded to 0.1', () => {
    const project = fitProjection(boundsOf(polygonPositions([square]))!, 100, 100);
    expect(polygonPath(square, project)).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){4}Z$/);
    const withHole: PolygonGeometry = {
      type: 'Polygon',
      coordinates: [square.coordinates[0]!, square.coordinates[0]!],
    };
    expect(polygonPath(withHole, project).match(/Z/g)).toHaveLength(2);
  });
});

describe('map labels', () => {
  it('counts CJK as 1 em and Latin as 0.6 em', () => {
    expect(textEms('东坡路网格')).toBe(5);
    expect(textEms('G1 (2)')).toBeCloseTo(3.6);
  });

  it('takes the first candidate that fits, shrinking the font down to the minimum', () => {
    expect(fitLabel(['东坡路网格 (2)', '东坡路网格'], 200)).toEqual({ index: 0, size: 12 });
    expect(fitLabel(['东坡路网格 (2)', '东坡路网格'], 60)).toEqual({ index: 1, size: 12 });
    expect(fitLabel(['东坡路网格 (2)', '东坡路网格'], 50)).toEqual({ index: 1, size: 10 });
    expect(fitLabel(['东坡路网格'], 40)).toBeNull();
  });
});

describe('routes', () => {
  it('parses every console route', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/login')).toEqual({ name: 'login' });
    expect(parseHash('#/map/')).toEqual({ name: 'map' });
    expect(parseHash('#/cases')).toEqual({ name: 'cases' });
    expect(parseHash('#/my')).toEqual({ name: 'my' });
    expect(parseHash(caseHref('C-2024/7'))).toEqual({ name: 'case', id: 'C-2024/7' });
    expect(parseHash('#/nope')).toEqual({ name: 'not_found', path: '/nope' });
    expect(parseHash('#/map/x')).toMatchObject({ name: 'not_found' });
  });

  it('parses the device registry, and device and grid pages only with an id', () => {
    expect(parseHash(deviceHref('smoke-G01-1'))).toEqual({ name: 'device', id: 'smoke-G01-1' });
    expect(parseHash(gridHref('G 01'))).toEqual({ name: 'grid', id: 'G 01' });
    expect(parseHash('#/devices')).toEqual({ name: 'devices' }); // the registry
    expect(parseHash('#/devices/a/b')).toMatchObject({ name: 'not_found' });
    expect(parseHash('#/grids')).toMatchObject({ name: 'not_found' });
    expect(parseHash('#/grids/G01/x')).toMatchObject({ name: 'not_found' });
    expect(parseHash('#/toString/x')).toMatchObject({ name: 'not_found' });
  });

  it('sends field staff to their queue and everyone else to the map', () => {
    expect(homeFor('grid_worker')).toBe('#/my');
    expect(homeFor('operator')).toBe('#/map');
  });
});

describe('allowedActions', () => {
  const base: CaseView = {
    ...caseIn('dispatched', { id: 'C1', assigneeId: 'worker', category: 'fire_safety', resolvedById: null }),
    gridName: 'G1',
    assigneeName: 'W',
    deviceName: 'D',
    categoryName: null,
    departmentName: null,
    coHandlers: [],
    requester: null,
    sourceCount: 1,
    suppressedCount: 0,
  };
  const worker = { id: 'worker', role: 'grid_worker' as const };
  const operator = { id: 'op', role: 'operator' as const };

  it('offers the assignee accept or return on a dispatched case, and nothing to others', () => {
    expect(allowedActions(base, worker)).toEqual(['accept', 'return']);
    expect(allowedActions(base, { id: 'other', role: 'grid_worker' })).toEqual([]);
    expect(allowedActions(base, operator)).toEqual(['dispatch', 'escalate', 'void']);
  });

  it('offers dispatch to the command centre on registered, returned and reopened cases only, and escalating and closing without handling on any active case', () => {
    for (const state of ['registered', 'returned', 'reopened'] as const)
      expect(allowedActions({ ...base, state, assigneeId: null }, operator)).toEqual([
        'dispatch',
        'escalate',
        'void',
      ]);
    expect(allowedActions({ ...base, state: 'accepted' }, operator)).toEqual(['pause', 'escalate', 'void']);
    expect(allowedActions({ ...base, state: 'accepted' }, { id: 'sv', role: 'supervisor' })).toEqual([
      'pause',
      'escalate',
      'supervise',
      'void',
    ]);
    expect(allowedActions({ ...base, state: 'resolved' }, worker)).toEqual([]);
    expect(allowedActions({ ...base, state: 'returned', assigneeId: null }, worker)).toEqual([]);
  });

  it('offers arrive, resolve and return once accepted', () => {
    expect(allowedActions({ ...base, state: 'accepted' }, worker)).toEqual([
      'arrive',
      'resolve',
      'pause',
      'return',
      'request_extension',
    ]);
  });

  it('offers deciding a waiting 延期 to the level above, never to its requester, and 督办 to supervisors', () => {
    const request = { days: 2, reason: 'r', requestedById: 'worker', requestedAt: 1 };
    const waiting = { ...base, state: 'in_progress' as const, extensionRequest: request };
    expect(allowedActions(waiting, worker)).toEqual(['resolve', 'pause', 'return']);
    expect(allowedActions(waiting, operator)).toEqual([
      'pause',
      'escalate',
      'approve_extension',
      'refuse_extension',
      'void',
    ]);
    const supervisor = { id: 'sv', role: 'supervisor' as const };
    const supervised = { ...base, supervisedAt: 1, supervisedById: 'sv', supervisionReason: 'r' };
    expect(allowedActions(supervised, supervisor)).toEqual(['dispatch', 'escalate', 'unsupervise', 'void']);
    expect(allowedActions(supervised, operator)).toEqual(['dispatch', 'escalate', 'void']);
  });

  it('offers resume instead of pause on a paused case, and registering a reported one', () => {
    expect(allowedActions({ ...base, state: 'accepted', pausedAt: 1 }, worker)).toEqual([
      'arrive',
      'resolve',
      'resume',
      'return',
      'request_extension',
    ]);
    // 不予立案 is offered while a report waits for 立案; 非属地 only on a hotline case (below).
    expect(allowedActions({ ...base, state: 'reported', assigneeId: null }, operator)).toEqual([
      'register',
      'escalate',
      'decline',
      'void',
    ]);
    expect(
      allowedActions({ ...base, source: 'hotline', state: 'reported', assigneeId: null }, operator),
    ).toContain('return_upstream');
  });

  it('offers verify or fail (reject) to an operator but not to the resolver, then close, callback and reopen', () => {
    const resolved = { ...base, state: 'resolved' as const, resolvedById: 'worker' };
    expect(allowedActions(resolved, operator)).toEqual(['verify', 'reject', 'reopen']);
    expect(allowedActions({ ...resolved, resolvedById: 'op' }, operator)).toEqual(['reopen']);
    expect(allowedActions({ ...base, state: 'verified' }, operator)).toEqual(['close', 'feedback', 'reopen']);
    expect(allowedActions({ ...base, state: 'closed' }, operator)).toEqual(['feedback', 'reopen']);
    expect(allowedActions({ ...base, state: 'closed' }, worker)).toEqual([]);
  });
});
