import { describe, expect, it } from 'vitest';
import { beijing, caseIn } from './case-test-fixture';
import { computeUnitRates, type AccountableUnit } from './case-unit-rates';

const DAY = beijing(2026, 3, 9);
const H = 3_600_000;
const at = (hours: number) => DAY + hours * H;

describe('computeUnitRates (三率, MTTA/MTTR per grid, worker, department, community and street)', () => {
  const none = { acceptedAt: null, resolvedAt: null, acceptDueAt: null, resolveDueAt: null };
  const cases = [
    // 1. G01, w1: accepted and resolved on time, satisfied
    caseIn('closed', {
      ...none,
      gridId: 'G01',
      assigneeId: 'w1',
      openedAt: at(1),
      acceptedAt: at(1.1),
      acceptedOnTime: true,
      resolvedAt: at(2),
      resolvedOnTime: true,
      closedAt: at(2.5),
      satisfaction: 5,
    }),
    // 2. G01, w2: accepted late, resolved late, unhappy
    caseIn('closed', {
      ...none,
      gridId: 'G01',
      assigneeId: 'w2',
      openedAt: at(2),
      acceptedAt: at(3),
      acceptedOnTime: false,
      resolvedAt: at(5),
      resolvedOnTime: false,
      closedAt: at(5.5),
      satisfaction: 2,
    }),
    // 3. G02, w2, fire department: never accepted, accept deadline passed (overdue)
    caseIn('dispatched', {
      ...none,
      gridId: 'G02',
      assigneeId: 'w2',
      departmentId: 'dept-fire',
      openedAt: at(4),
      acceptDueAt: at(5),
      resolveDueAt: at(20),
    }),
    // 4. G03, w3: a false alarm after its accept deadline: out of every figure, counted apart
    caseIn('closed', {
      ...none,
      gridId: 'G03',
      assigneeId: 'w3',
      openedAt: at(4),
      acceptDueAt: at(5),
      closedAt: at(6),
      closeReason: 'false_alarm',
    }),
    // 5. G03, w3: within its deadlines, in no rate yet
    caseIn('dispatched', {
      ...none,
      gridId: 'G03',
      assigneeId: 'w3',
      openedAt: at(6),
      acceptDueAt: at(11),
      resolveDueAt: at(20),
    }),
  ];
  const COMMUNITY: Record<string, string> = { G01: 'C1', G02: 'C1', G03: 'C2' };
  const unitOf = (c: (typeof cases)[number], unit: AccountableUnit): string | null =>
    unit === 'grid'
      ? c.gridId
      : unit === 'worker'
        ? c.assigneeId
        : unit === 'department'
          ? c.departmentId
          : unit === 'community'
            ? COMMUNITY[c.gridId]!
            : 'S1';
  const rates = computeUnitRates(cases, unitOf, at(10));
  const r = (numerator: number, denominator: number) => ({
    numerator,
    denominator,
    value: denominator === 0 ? null : numerator / denominator,
  });

  it('per grid', () => {
    expect(rates.grid).toEqual([
      {
        key: 'G01',
        handled: 2,
        voided: 0,
        declined: 0,
        returnedUpstream: 0,
        overdue: 0,
        responseRate: r(1, 2),
        onTimeResolutionRate: r(1, 2),
        satisfactionRate: r(1, 2),
        mttaMs: (0.1 * H + 1 * H) / 2,
        mttrMs: (1 * H + 3 * H) / 2,
      },
      {
        key: 'G02',
        handled: 1,
        voided: 0,
        declined: 0,
        returnedUpstream: 0,
        overdue: 1,
        responseRate: r(0, 1),
        onTimeResolutionRate: r(0, 0),
        satisfactionRate: r(0, 0),
        mttaMs: null,
        mttrMs: null,
      },
      {
        key: 'G03',
        handled: 1,
        voided: 1,
        declined: 0,
        returnedUpstream: 0,
        overdue: 0,
        responseRate: r(0, 0),
        onTimeResolutionRate: r(0, 0),
        satisfactionRate: r(0, 0),
        mttaMs: null,
        mttrMs: null,
      },
    ]);
  });

  it('per lead worker and department', () => {
    expect(rates.worker.map((w) => [w.key, w.handled, w.voided, w.overdue])).toEqual([
      ['w2', 2, 0, 1],
      ['w1', 1, 0, 0],
      ['w3', 1, 1, 0],
    ]);
    expect(rates.worker[0]).toMatchObject({
      responseRate: r(0, 2),
      onTimeResolutionRate: r(0, 1),
      satisfactionRate: r(0, 1),
      mttaMs: 1 * H,
      mttrMs: 3 * H,
    });
    expect(rates.department).toEqual([
      expect.objectContaining({ key: 'dept-fire', handled: 1, overdue: 1, responseRate: r(0, 1) }),
    ]);
  });

  it('per community and street, each holding its grids’ cases', () => {
    expect(rates.community).toEqual([
      {
        key: 'C1',
        handled: 3,
        voided: 0,
        declined: 0,
        returnedUpstream: 0,
        overdue: 1,
        responseRate: r(1, 3),
        onTimeResolutionRate: r(1, 2),
        satisfactionRate: r(1, 2),
        mttaMs: (0.1 * H + 1 * H) / 2,
        mttrMs: 2 * H,
      },
      expect.objectContaining({ key: 'C2', handled: 1, voided: 1 }),
    ]);
    expect(rates.street).toEqual([
      expect.objectContaining({
        key: 'S1',
        handled: 4,
        voided: 1,
        declined: 0,
        returnedUpstream: 0,
        overdue: 1,
        responseRate: r(1, 3),
        onTimeResolutionRate: r(1, 2),
      }),
    ]);
  });
});
