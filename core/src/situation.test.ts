import { describe, expect, it } from 'vitest';
import { beijing, caseIn } from './case-test-fixture';
import type { CaseRecord, CaseState } from './case-types';
import {
  localDayStart,
  localMonthStart,
  periodRates,
  situationRows,
  type SituationDevice,
} from './situation';

describe('local day and month starts (UTC+8)', () => {
  it.each([
    ['just after local midnight', beijing(2026, 12, 4, 0, 5), beijing(2026, 12, 4)],
    ['late evening, already the next UTC day', beijing(2026, 12, 4, 23, 59), beijing(2026, 12, 4)],
    ['early morning, still the previous UTC day', beijing(2026, 12, 4, 7, 0), beijing(2026, 12, 4)],
  ])('localDayStart: %s', (_label, at, start) => {
    expect(localDayStart(at)).toBe(start);
  });

  it.each([
    ['this month', beijing(2026, 12, 4, 10), 0, beijing(2026, 12, 1)],
    ['last month', beijing(2026, 12, 4, 10), 1, beijing(2026, 11, 1)],
    ['January back into last year', beijing(2027, 1, 15, 10), 1, beijing(2026, 12, 1)],
    ['the 1st at 01:00 local, still the previous UTC day', beijing(2026, 12, 1, 1), 0, beijing(2026, 12, 1)],
  ])('localMonthStart: %s', (_label, at, back, start) => {
    expect(localMonthStart(at, back)).toBe(start);
  });
});

const NOW = beijing(2026, 12, 4, 10);
const HOUR = 3_600_000;

const kase = (state: CaseState, extra: Partial<CaseRecord>): CaseRecord =>
  caseIn(state, {
    acceptDueAt: null,
    arriveDueAt: null,
    resolveDueAt: null,
    resolvedAt: null,
    closedAt: null,
    acceptedAt: null,
    satisfaction: null,
    closeReason: null,
    supervisedAt: null,
    ...extra,
  });

describe('situationRows', () => {
  const streets = [
    { id: 'S1', name: '望江街道', gridIds: ['g-1', 'g-2'] },
    { id: 'S2', name: '湖滨街道', gridIds: ['g-3'] },
  ];

  it.each<[string, CaseRecord, Partial<Record<'open' | 'overdue' | 'supervised' | 'openedToday', number>>]>([
    [
      'a dispatched case within its deadline',
      kase('dispatched', { openedAt: NOW - 48 * HOUR, acceptDueAt: NOW + HOUR }),
      { open: 1 },
    ],
    [
      'past its accept deadline',
      kase('dispatched', { openedAt: NOW - 48 * HOUR, acceptDueAt: NOW - HOUR }),
      { open: 1, overdue: 1 },
    ],
    [
      'past its arrive deadline',
      kase('accepted', { openedAt: NOW - 48 * HOUR, arriveDueAt: NOW - HOUR }),
      { open: 1, overdue: 1 },
    ],
    [
      'paused before its deadline ran out',
      kase('in_progress', { openedAt: NOW - 48 * HOUR, resolveDueAt: NOW - HOUR, pausedAt: NOW - 2 * HOUR }),
      { open: 1 },
    ],
    [
      'resolved, awaiting the check: open, not overdue',
      kase('resolved', { openedAt: NOW - 48 * HOUR, resolveDueAt: NOW - HOUR, resolvedAt: NOW - 2 * HOUR }),
      { open: 1 },
    ],
    [
      'under 督办',
      kase('accepted', { openedAt: NOW - 48 * HOUR, supervisedAt: NOW - HOUR }),
      { open: 1, supervised: 1 },
    ],
    [
      'opened today and still open',
      kase('registered', { openedAt: NOW - HOUR }),
      { open: 1, openedToday: 1 },
    ],
    [
      'opened today and already closed',
      kase('closed', { openedAt: NOW - 2 * HOUR, closedAt: NOW - HOUR }),
      { openedToday: 1 },
    ],
    [
      'opened yesterday evening (local)',
      kase('registered', { openedAt: beijing(2026, 12, 3, 23, 30) }),
      { open: 1 },
    ],
  ])('%s', (_label, c, expected) => {
    const { rows, total } = situationRows(streets, [c], [], NOW);
    const counts = { open: 0, overdue: 0, supervised: 0, openedToday: 0, ...expected };
    expect(rows[0]).toMatchObject({ id: 'S1', ...counts });
    expect(rows[1]).toMatchObject({ id: 'S2', open: 0, overdue: 0, supervised: 0, openedToday: 0 });
    expect(total).toMatchObject(counts);
  });

  it('counts each street’s own cases, devices by report state and places by level; other grids stay out', () => {
    const cases = [
      kase('dispatched', { gridId: 'g-1', openedAt: NOW - HOUR }),
      kase('accepted', { gridId: 'g-3', openedAt: NOW - 72 * HOUR }),
      kase('accepted', { gridId: 'g-9', openedAt: NOW - 72 * HOUR }),
    ];
    const device = (gridId: string, online: boolean, lastSeenAt: number | null): SituationDevice => ({
      gridId,
      type: 'smoke_detector',
      online,
      lastSeenAt,
    });
    const devices = [
      device('g-1', true, NOW - 1000),
      device('g-2', false, NOW - HOUR),
      device('g-3', true, NOW - 1000),
      device('g-3', false, null),
      device('g-9', true, NOW - 1000),
    ];
    const places = [
      { gridId: 'g-1', level: 'red' as const },
      { gridId: 'g-2', level: 'green' as const },
      { gridId: 'g-3', level: 'yellow' as const },
      { gridId: 'g-9', level: 'red' as const },
    ];
    const { rows, total } = situationRows(streets, cases, devices, NOW, places);
    expect(rows.map((r) => [r.id, r.open, r.openedToday])).toEqual([
      ['S1', 1, 1],
      ['S2', 1, 0],
    ]);
    expect(rows[0]!.devices).toEqual({ online: 1, overdue: 0, offline: 1, never: 0 });
    expect(rows[1]!.devices).toEqual({ online: 1, overdue: 0, offline: 0, never: 1 });
    expect(rows[0]!.places).toEqual({ green: 1, yellow: 0, red: 1 });
    expect(rows[1]!.places).toEqual({ green: 0, yellow: 1, red: 0 });
    expect(total).toMatchObject({
      open: 2,
      devices: { online: 2, overdue: 0, offline: 1, never: 1 },
      places: { green: 1, yellow: 1, red: 1 },
    });
  });
});

describe('periodRates', () => {
  it('gives the analytics rates over the cases opened in the period only', () => {
    const from = beijing(2026, 12, 1);
    const cases = [
      kase('closed', {
        openedAt: from + HOUR,
        acceptedAt: from + 2 * HOUR,
        acceptedOnTime: true,
        satisfaction: 5,
      }),
      kase('closed', {
        openedAt: from + HOUR,
        acceptedAt: from + 3 * HOUR,
        acceptedOnTime: false,
        satisfaction: 2,
      }),
      kase('closed', { openedAt: from - HOUR, acceptedAt: from, acceptedOnTime: false }),
    ];
    const rates = periodRates(cases, { from, to: NOW, now: NOW });
    expect(rates.opened).toBe(2);
    expect(rates.responseRate).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
    expect(rates.satisfactionRate).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
  });
});
