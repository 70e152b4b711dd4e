import { describe, expect, it } from 'vitest';
import { DEFAULT_WORK_CALENDAR } from './case-calendar';
import type { PolygonGeometry } from './model';
import {
  checkInPositionCheck,
  dueInspectionEscalation,
  nextInspectionDue,
  validateChecklist,
  type InspectionEscalation,
} from './place-inspection';
import {
  assessPlaceRisk,
  DEFAULT_PLACE_RISK_RULES,
  validatePlaceRiskRules,
  type PlaceEvidence,
  type PlaceLevel,
} from './place-risk';
import { inEnglish } from './errors';

const quiet: PlaceEvidence = { alerts: {}, cases: 0, missedInspections: 0, failedInspections: 0 };

describe('assessPlaceRisk', () => {
  const cases: [string, Partial<PlaceEvidence>, PlaceLevel | undefined, PlaceLevel, number, string[]][] = [
    ['nothing happened', {}, undefined, 'green', 0, []],
    ['two alerts stay green', { alerts: { fire_safety: 2 } }, undefined, 'green', 2, ['alerts']],
    [
      '2 smoke alerts and 1 missed inspection',
      { alerts: { fire_safety: 2 }, missedInspections: 1 },
      undefined,
      'yellow',
      4,
      ['alerts', 'missed_inspections'],
    ],
    [
      'one failed inspection is yellow',
      { failedInspections: 1 },
      undefined,
      'yellow',
      3,
      ['failed_inspections'],
    ],
    [
      'cases and failures add up to red, largest first',
      { cases: 2, failedInspections: 2, alerts: { gas: 1 } },
      undefined,
      'red',
      11,
      ['failed_inspections', 'cases', 'alerts'],
    ],
    ['exactly the red threshold', { cases: 4 }, undefined, 'red', 8, ['cases']],
    ['a floor lifts a quiet place', {}, 'yellow', 'yellow', 0, ['base_level']],
    ['evidence above the floor wins', { cases: 4 }, 'yellow', 'red', 8, ['cases']],
    ['zero counts give no reason', { alerts: { gas: 0 }, cases: 0 }, undefined, 'green', 0, []],
  ];
  it.each(cases)('%s', (_name, evidence, base, level, points, reasons) => {
    const result = assessPlaceRisk({ ...quiet, ...evidence }, DEFAULT_PLACE_RISK_RULES, base);
    expect(result.level).toBe(level);
    expect(result.points).toBe(points);
    expect(result.windowDays).toBe(30);
    expect(result.reasons.map((r) => r.kind)).toEqual(reasons);
  });

  it('names the category and count of the alerts it counted', () => {
    const result = assessPlaceRisk({ ...quiet, alerts: { fire_safety: 2 } }, DEFAULT_PLACE_RISK_RULES);
    expect(result.reasons).toEqual([{ kind: 'alerts', category: 'fire_safety', count: 2, points: 2 }]);
  });

  it('follows tuned points and thresholds', () => {
    const rules = { ...DEFAULT_PLACE_RISK_RULES, points: { ...DEFAULT_PLACE_RISK_RULES.points, alert: 5 } };
    expect(assessPlaceRisk({ ...quiet, alerts: { fire_safety: 2 } }, rules).level).toBe('red');
  });
});

describe('validatePlaceRiskRules', () => {
  it('accepts the defaults', () => {
    expect(validatePlaceRiskRules(DEFAULT_PLACE_RISK_RULES)).toEqual({
      ok: true,
      rules: DEFAULT_PLACE_RISK_RULES,
    });
  });
  const bad: [string, unknown, string][] = [
    ['not an object', 'red', 'rules must be an object'],
    ['red not above yellow', { ...DEFAULT_PLACE_RISK_RULES, redFrom: 3 }, 'redFrom must be above yellowFrom'],
    [
      'window of 0',
      { ...DEFAULT_PLACE_RISK_RULES, windowDays: 0 },
      'windowDays must be a whole number 1–366',
    ],
    [
      'negative points',
      { ...DEFAULT_PLACE_RISK_RULES, points: { ...DEFAULT_PLACE_RISK_RULES.points, case: -1 } },
      'points.case must be a whole number 0–100',
    ],
    [
      'no frequency for red',
      { ...DEFAULT_PLACE_RISK_RULES, inspectEveryWorkingDays: { yellow: 5, green: 22 } },
      'inspectEveryWorkingDays.red must be a whole number 1–366',
    ],
  ];
  it.each(bad)('refuses %s', (_name, input, error) => {
    const result = validatePlaceRiskRules(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(inEnglish(result.errors)).toContain(error);
  });
});

describe('nextInspectionDue on the working calendar (UTC+8, Mon–Fri, close 17:30)', () => {
  // 2026-03-02 is a Monday; local 17:30 is 09:30 UTC.
  const local = (day: number, hour: number) => Date.UTC(2026, 2, day, hour - 8);
  const close = (day: number) => Date.UTC(2026, 2, day, 9, 30);
  const cases: [string, number, number, string[], number][] = [
    ['daily from Monday morning: Tuesday close', local(2, 10), 1, [], close(3)],
    ['daily from Friday: Monday close', local(6, 10), 1, [], close(9)],
    ['weekly (5 working days) from Monday: next Monday', local(2, 10), 5, [], close(9)],
    ['daily over a holiday Tuesday: Wednesday', local(2, 10), 1, ['2026-03-03'], close(4)],
    ['late Monday night still counts from Monday', local(2, 23), 1, [], close(3)],
    ['from a Sunday: the first working day after', local(8, 1), 1, [], close(9)],
  ];
  it.each(cases)('%s', (_name, last, every, holidays, due) => {
    expect(nextInspectionDue(last, every, { ...DEFAULT_WORK_CALENDAR, holidays })).toBe(due);
  });
});

describe('dueInspectionEscalation: a missed inspection climbs like a broken deadline', () => {
  // Due Tuesday 2026-03-03 at the 17:30 close; a working day is 7 h (09:00–12:00, 13:30–17:30).
  const local = (day: number, hour: number, minute = 0) => Date.UTC(2026, 2, day, hour - 8, minute);
  const due = local(3, 17, 30);
  const cases: [
    string,
    InspectionEscalation | null,
    number | null,
    number,
    InspectionEscalation | undefined,
  ][] = [
    ['before its due time: nothing', null, null, due - 1, undefined],
    ['at its due time: the grid is told', null, null, due, 'grid'],
    // Half a working day after the grid: Wednesday 09:00 + 3 h + 0.5 h after lunch = 14:00.
    ['Wednesday 13:59: still the grid’s', 'grid', due, local(4, 13, 59), undefined],
    ['Wednesday 14:00: the community', 'grid', due, local(4, 14), 'community'],
    // A working day after the community: Thursday 14:00.
    ['Thursday 13:59: still the community’s', 'community', local(4, 14), local(5, 13, 59), undefined],
    ['Thursday 14:00: the street', 'community', local(4, 14), local(5, 14), 'street'],
    ['the street is the last step', 'street', local(5, 14), local(20, 10), undefined],
    // A step taken late (the ticker was down) counts its interval from when it was taken.
    [
      'the grid told late on Friday: Monday for the community',
      'grid',
      local(6, 17),
      local(9, 12),
      'community',
    ],
  ];
  it.each(cases)('%s', (_name, escalationLevel, escalatedAt, now, step) => {
    expect(
      dueInspectionEscalation({ dueAt: due, escalationLevel, escalatedAt }, now, DEFAULT_WORK_CALENDAR),
    ).toBe(step);
  });
});

describe('checkInPositionCheck', () => {
  const grid: PolygonGeometry = {
    type: 'Polygon',
    coordinates: [
      [
        [120.165, 30.245],
        [120.175, 30.245],
        [120.175, 30.255],
        [120.165, 30.255],
        [120.165, 30.245],
      ],
    ],
  };
  const cases: [string, unknown, boolean, string?][] = [
    ['inside', { lng: 120.17, lat: 30.25 }, true],
    ['about 19 m outside, phone accurate to 30 m', { lng: 120.1752, lat: 30.25, accuracyM: 30 }, true],
    ['about 19 m outside, no accuracy given', { lng: 120.1752, lat: 30.25 }, false, 'outside_grid'],
    [
      '500 m outside with a vague 1 km fix',
      { lng: 120.18, lat: 30.25, accuracyM: 1000 },
      false,
      'outside_grid',
    ],
    ['latitude beyond 90', { lng: 120.17, lat: 91 }, false, 'invalid'],
    ['text coordinates', { lng: '120.17', lat: '30.25' }, false, 'invalid'],
    ['negative accuracy', { lng: 120.17, lat: 30.25, accuracyM: -1 }, false, 'invalid'],
    ['no position', undefined, false, 'invalid'],
  ];
  it.each(cases)('%s', (_name, position, ok, reason) => {
    const result = checkInPositionCheck(position, grid);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it('says how far outside the grid the position was', () => {
    const result = checkInPositionCheck({ lng: 120.18, lat: 30.25 }, grid);
    expect(result).toEqual({ ok: false, reason: 'outside_grid', distanceM: expect.any(Number) as number });
    if (!result.ok) expect(result.distanceM).toBeGreaterThan(450);
    if (!result.ok) expect(result.distanceM).toBeLessThan(520);
  });
});

describe('validateChecklist', () => {
  const all = (ok: boolean) =>
    ['fences_closed', 'hot_work_permit', 'dust_covered', 'extinguishers_ready'].map((key) => ({
      key,
      ok,
      note: ok ? undefined : '围挡破损',
    }));
  it('passes when every item is fine', () => {
    const result = validateChecklist('construction_site', all(true));
    expect(result).toMatchObject({ ok: true, passed: true });
  });
  it('records a failed item with its note as not passed', () => {
    const answers = all(true);
    answers[0] = { key: 'fences_closed', ok: false, note: ' 围挡破损 ' };
    const result = validateChecklist('construction_site', answers);
    expect(result).toMatchObject({ ok: true, passed: false });
    if (result.ok) expect(result.answers[0]).toEqual({ key: 'fences_closed', ok: false, note: '围挡破损' });
  });
  const bad: [string, unknown, string][] = [
    ['not a list', { fences_closed: true }, 'checklist must be a list of answers'],
    ['a missing item', all(true).slice(1), 'checklist items not answered: fences_closed'],
    [
      'an item of another kind',
      [...all(true), { key: 'gas_safe', ok: true }],
      "checklist answer 5 is not an item of this place's checklist",
    ],
    [
      'an item twice',
      [...all(true), { key: 'dust_covered', ok: true }],
      'checklist item dust_covered is answered twice',
    ],
    [
      'a failure without a note',
      [{ key: 'fences_closed', ok: false }, ...all(true).slice(1)],
      'checklist item fences_closed failed: say what is wrong in its note',
    ],
    [
      'ok missing',
      [{ key: 'fences_closed' }, ...all(true).slice(1)],
      'checklist item fences_closed needs ok true or false',
    ],
  ];
  it.each(bad)('refuses %s', (_name, input, error) => {
    const result = validateChecklist('construction_site', input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(inEnglish(result.errors)).toContain(error);
  });
});
