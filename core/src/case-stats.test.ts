import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, parseHotlineEntry, parsePatrolReport } from './case-intake';
import { breachedClocks, computeCaseStats } from './case-stats';
import { beijing, caseIn } from './case-test-fixture';
import { inEnglish, type Problem } from './errors';

/** A validation result with its problems as the API words them in English. */
const worded = (result: { ok: boolean; errors?: readonly Problem[] }) =>
  result.errors ? { ...result, errors: inEnglish(result.errors) } : result;

const DAY = beijing(2026, 3, 9);
const H = 3_600_000;
const at = (hours: number) => DAY + hours * H;

describe('computeCaseStats (三率, MTTA/MTTR, breakdowns, trend)', () => {
  const cases = [
    // accepted on time, resolved on time, satisfied
    caseIn('closed', {
      gridId: 'G01',
      assigneeId: 'w1',
      openedAt: at(1),
      acceptedAt: at(1.1),
      acceptedOnTime: true,
      resolvedAt: at(2),
      resolvedOnTime: true,
      closedAt: at(3),
      satisfaction: 5,
    }),
    // accepted late, resolved late, unhappy
    caseIn('closed', {
      gridId: 'G01',
      assigneeId: 'w1',
      openedAt: at(2),
      acceptedAt: at(3),
      acceptedOnTime: false,
      resolvedAt: at(30),
      resolvedOnTime: false,
      closedAt: at(31),
      satisfaction: 2,
    }),
    // never accepted, both deadlines passed
    caseIn('dispatched', {
      gridId: 'G02',
      category: 'fire_safety',
      assigneeId: 'w3',
      departmentId: 'dept-fire',
      openedAt: at(4),
      acceptDueAt: at(5),
      resolveDueAt: at(6),
    }),
    // still within its deadlines: counts in neither rate
    caseIn('dispatched', {
      gridId: 'G02',
      category: 'fire_safety',
      assigneeId: 'w3',
      departmentId: 'dept-fire',
      openedAt: at(40),
      acceptDueAt: at(50),
      resolveDueAt: at(60),
    }),
    // outside the period
    caseIn('closed', {
      openedAt: at(-30),
      acceptedAt: at(-29),
      acceptedOnTime: true,
      resolvedAt: at(1),
      resolvedOnTime: true,
    }),
  ];
  const stats = computeCaseStats(cases, { from: DAY, to: DAY + 7 * 24 * H, now: at(41) });

  it('counts the rates with the documented denominators', () => {
    expect(stats.opened).toBe(4);
    expect(stats.responseRate).toEqual({ numerator: 1, denominator: 3, value: 1 / 3 });
    expect(stats.onTimeResolutionRate).toEqual({ numerator: 1, denominator: 3, value: 1 / 3 });
    expect(stats.satisfactionRate).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
  });

  it('averages acknowledgement and resolution times from opening', () => {
    expect(stats.mttaMs).toBe((0.1 * H + 1 * H) / 2);
    expect(stats.mttrMs).toBe((1 * H + 28 * H) / 2);
  });

  it('breaks down by grid, worker and department', () => {
    expect(stats.byGrid).toEqual([
      { key: 'G01', opened: 2, resolved: 2, resolvedOnTime: 1, overdue: 0, pastResolveDue: 0 },
      { key: 'G02', opened: 2, resolved: 0, resolvedOnTime: 0, overdue: 1, pastResolveDue: 1 },
    ]);
    expect(stats.byWorker.map((w) => [w.key, w.opened])).toEqual([
      ['w1', 2],
      ['w3', 2],
    ]);
    expect(stats.byDepartment).toEqual([
      { key: 'dept-fire', opened: 2, resolved: 0, resolvedOnTime: 0, overdue: 1, pastResolveDue: 1 },
    ]);
    expect(stats.byCategory.map((c) => c.key)).toEqual(['fire_safety', 'gas_safety']);
  });

  it('trends per local day', () => {
    expect(stats.trend).toEqual([
      { day: '2026-03-09', opened: 3, resolved: 1, closed: 1 },
      { day: '2026-03-10', opened: 1, resolved: 1, closed: 1 },
    ]);
  });

  it('never counts a case closed as void, false alarm or duplicate as resolved or closed (办结)', () => {
    const voided = [
      // dispatched, both deadlines passed, then found to be a false alarm
      caseIn('closed', {
        openedAt: at(4),
        acceptDueAt: at(5),
        resolveDueAt: at(6),
        closedAt: at(7),
        closeReason: 'false_alarm',
      }),
      caseIn('closed', { openedAt: at(8), closedAt: at(9), closeReason: 'duplicate', duplicateOfId: 'c-0' }),
      // a stored record whose deadlines were not cleared still leaves the rates
      caseIn('closed', {
        openedAt: at(10),
        acceptDueAt: at(11),
        resolveDueAt: at(12),
        resolvedAt: at(13),
        resolvedOnTime: false,
        closedAt: at(13),
        closeReason: 'void',
      }),
    ];
    const withVoided = computeCaseStats([...cases, ...voided], {
      from: DAY,
      to: DAY + 7 * 24 * H,
      now: at(41),
    });
    expect(withVoided.opened).toBe(7);
    expect(withVoided.voided).toEqual({
      void: 1,
      false_alarm: 1,
      duplicate: 1,
      declined: 0,
      returned_upstream: 0,
    });
    expect(withVoided.responseRate).toEqual(stats.responseRate);
    expect(withVoided.onTimeResolutionRate).toEqual(stats.onTimeResolutionRate);
    expect(withVoided.mttrMs).toBe(stats.mttrMs);
    expect(withVoided.trend).toEqual([
      { day: '2026-03-09', opened: 6, resolved: 1, closed: 1 },
      { day: '2026-03-10', opened: 1, resolved: 1, closed: 1 },
    ]);
    expect(withVoided.byGrid.find((g) => g.key === 'g-1')).toEqual({
      key: 'g-1',
      opened: 3,
      resolved: 0,
      resolvedOnTime: 0,
      overdue: 0,
      pastResolveDue: 0,
    });
    expect(stats.voided).toEqual({
      void: 0,
      false_alarm: 0,
      duplicate: 0,
      declined: 0,
      returned_upstream: 0,
    });
  });

  it.each<[string, Parameters<typeof caseIn>[1], string[]]>([
    ['dispatched, accept deadline passed', { acceptDueAt: at(2), resolveDueAt: at(20) }, ['accept']],
    [
      'accepted, arrive deadline passed',
      { acceptedAt: at(1), acceptDueAt: null, arriveDueAt: at(5), resolveDueAt: at(20) },
      ['arrive'],
    ],
    ['resolve deadline passed', { acceptDueAt: null, resolveDueAt: at(8) }, ['resolve']],
    ['accept and resolve passed', { acceptDueAt: at(1), resolveDueAt: at(6) }, ['accept', 'resolve']],
    ['paused before its deadline', { pausedAt: at(3), acceptDueAt: at(4) }, []],
    ['paused after its deadline', { pausedAt: at(5), acceptDueAt: at(4) }, ['accept']],
    ['within every deadline', { acceptDueAt: at(11), resolveDueAt: at(20) }, []],
    ['resolved', { acceptDueAt: null, resolveDueAt: at(5), resolvedAt: at(6) }, []],
    ['closed', { acceptDueAt: at(1), closedAt: at(2), closeReason: 'void' }, []],
  ])('at 10:00 the breached clocks of a case %s', (_, extra, clocks) => {
    expect(breachedClocks(caseIn('dispatched', extra), at(10))).toEqual(clocks);
  });

  it('counts 超时未结 per grid and worker when any clock is breached, not only the resolve clock', () => {
    const open = (gridId: string, assigneeId: string, extra: Parameters<typeof caseIn>[1]) =>
      caseIn('dispatched', { gridId, assigneeId, openedAt: at(0.5), acceptDueAt: null, ...extra });
    const overdueCases = [
      // G01 / w1: past accept only; past arrive only; past accept and resolve (counted once)
      open('G01', 'w1', { acceptDueAt: at(2), resolveDueAt: at(20) }),
      open('G01', 'w1', { acceptedAt: at(1), arriveDueAt: at(5), resolveDueAt: at(20) }),
      open('G01', 'w1', { acceptDueAt: at(1), resolveDueAt: at(6) }),
      // G02 / w2: past resolve; paused before its accept deadline (not overdue)
      open('G02', 'w2', { resolveDueAt: at(8) }),
      open('G02', 'w2', { pausedAt: at(3), acceptDueAt: at(4), resolveDueAt: at(20) }),
      // G03 / w3: within deadlines; resolved late; voided after its deadline
      open('G03', 'w3', { acceptDueAt: at(11), resolveDueAt: at(20) }),
      open('G03', 'w3', { resolveDueAt: at(5), resolvedAt: at(6), resolvedOnTime: false }),
      open('G03', 'w3', { acceptDueAt: at(1), closedAt: at(2), closeReason: 'void' }),
    ];
    const report = computeCaseStats(overdueCases, { from: DAY, to: DAY + 24 * H, now: at(10) });
    expect(report.overdue).toBe(4);
    expect(report.byGrid.map((g) => [g.key, g.overdue, g.pastResolveDue])).toEqual([
      ['G01', 3, 1],
      ['G03', 0, 0],
      ['G02', 1, 1],
    ]);
    expect(report.byWorker.map((w) => [w.key, w.overdue])).toEqual([
      ['w1', 3],
      ['w3', 0],
      ['w2', 1],
    ]);
    // 按时办结率 still counts only the resolve clock: 0 on time of 1 resolved + 2 past resolve.
    expect(report.onTimeResolutionRate).toEqual({ numerator: 0, denominator: 3, value: 0 });
  });

  it('gives null rates and means when there is nothing to count', () => {
    const empty = computeCaseStats([], { from: 0, to: 1, now: 1 });
    expect([empty.responseRate.value, empty.mttaMs, empty.mttrMs]).toEqual([null, null, null]);
  });
});

describe('discovery channels at the boundary', () => {
  const base = {
    title: '楼道堆物',
    description: '3 号楼楼道堆放纸箱',
    category: 'fire_safety',
    severity: 'warning',
  };
  it('a patrol report needs a location and a photo', () => {
    expect(worded(parsePatrolReport({ ...base }))).toEqual({
      ok: false,
      errors: ['location is required for a patrol report', 'photos must be a non-empty list of photo URLs'],
    });
    expect(
      parsePatrolReport({
        ...base,
        location: { lat: 30.25, lng: 120.16 },
        photos: ['/api/photos/0b9a3c1e-5f2d-4c7a-9e1b-2d3f4a5b6c7d.png'],
        selfHandle: true,
      }),
    ).toMatchObject({
      ok: true,
      value: { location: { lat: 30.25, lng: 120.16 }, selfHandle: true, subcategory: null },
    });
  });

  it('a hotline entry needs the caller and a place', () => {
    expect(
      worded(
        parseHotlineEntry({
          ...base,
          severity: 'bad',
          callerName: '',
          callerPhone: 'abc',
          location: { lat: 91, lng: 0 },
        }),
      ),
    ).toEqual({
      ok: false,
      errors: [
        'severity must be one of info, warning, critical',
        'location must be { lat, lng } in WGS-84 degrees',
        'callerName is required (≤ 40 characters)',
        'callerPhone must be 5–20 digits',
        'give a location or a gridId',
      ],
    });
    expect(
      parseHotlineEntry({ ...base, callerName: ' 张三 ', callerPhone: '138-1234-5678', gridId: 'G01' }),
    ).toMatchObject({
      ok: true,
      value: {
        callerName: '张三',
        callerPhone: '13812345678',
        gridId: 'G01',
        location: null,
        assigneeId: null,
      },
    });
  });

  it.each<[string, string]>([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['李', '*'],
  ])('masks the name %s as %s', (name, masked) => expect(maskName(name)).toBe(masked));

  it.each<[string, string]>([
    ['13812345678', '138****5678'],
    ['+8613812345678', '+86138****5678'],
    ['12345', '***45'],
  ])('masks the phone %s as %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));
});
