import { describe, expect, it } from 'vitest';
import type { Severity } from '../model';
import { inScope, isScheduleActive, newSettledState, settleSeverity, type RuleSubject } from './rule-common';
import { checkRaiseRiskConfig, parseRaisedRisk, scenarioSignal, type RaiseRiskConfig } from './raised-risk';
import type { RuleSchedule, RuleScope } from './rule-types';
import { inEnglish } from '../errors';

describe('inScope', () => {
  const smoke: RuleSubject = {
    deviceId: 'sd-1',
    deviceType: 'smoke_detector',
    lineage: ['G01', 'C1', 'S1', 'D1'],
  };
  it.each<[string, RuleScope | undefined, boolean]>([
    ['no scope', undefined, true],
    ['its grid', { regionIds: ['G01'] }, true],
    ['its street (grid subtree)', { regionIds: ['S1'] }, true],
    ['another street', { regionIds: ['S2'] }, false],
    ['its device id', { deviceIds: ['sd-1', 'sd-2'] }, true],
    ['other devices', { deviceIds: ['sd-2'] }, false],
    ['its type', { deviceTypes: ['smoke_detector'] }, true],
    ['another type', { deviceTypes: ['camera'] }, false],
    ['every list must match', { regionIds: ['S1'], deviceTypes: ['camera'] }, false],
  ])('%s → %s', (_name, scope, expected) => {
    expect(inScope(scope, smoke)).toBe(expected);
  });
});

describe('isScheduleActive (UTC+8 unless told)', () => {
  const nights: RuleSchedule = { windows: [{ start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5] }] };
  const office: RuleSchedule = { windows: [{ start: '09:00', end: '17:30' }], utcOffsetMinutes: 0 };
  // 2026-11-23 is a Monday; 14:00 UTC is 22:00 in Beijing.
  const at = (iso: string) => Date.parse(iso);
  it.each<[string, RuleSchedule | undefined, string, boolean]>([
    ['no schedule', undefined, '2026-11-22T03:00:00Z', true],
    ['Monday 22:00 Beijing, start inclusive', nights, '2026-11-23T14:00:00Z', true],
    ['Monday 21:59 Beijing', nights, '2026-11-23T13:59:00Z', false],
    ['Tuesday 05:59 Beijing, the tail of Monday night', nights, '2026-11-23T21:59:00Z', true],
    ['Tuesday 06:00 Beijing, end exclusive', nights, '2026-11-23T22:00:00Z', false],
    ['Saturday 05:00 Beijing, the tail of Friday night', nights, '2026-11-27T21:00:00Z', true],
    ['Saturday 23:00 Beijing, weekend', nights, '2026-11-28T15:00:00Z', false],
    ['Monday 05:00 Beijing, the tail of Sunday night', nights, '2026-11-22T21:00:00Z', false],
    ['UTC office hours 09:00', office, '2026-11-22T09:00:00Z', true],
    ['UTC office hours 17:30', office, '2026-11-22T17:30:00Z', false],
  ])('%s → %s', (_name, schedule, iso, expected) => {
    expect(isScheduleActive(schedule, at(iso))).toBe(expected);
  });
});

describe('settleSeverity (flapping: 3 changes within 100 s hold changes down)', () => {
  const policy = { maxChanges: 3, windowSeconds: 100 };
  it.each<[string, [number, Severity | null][], (Severity | null | 'none')[]]>([
    [
      'steady changes go out as they come',
      [
        [0, 'warning'],
        [200_000, null],
        [400_000, 'critical'],
        [600_000, null],
      ],
      ['warning', null, 'critical', null],
    ],
    [
      'the same verdict again is no change',
      [
        [0, 'warning'],
        [1000, 'warning'],
        [2000, null],
        [3000, null],
      ],
      ['warning', 'none', null, 'none'],
    ],
    [
      'flapping: the 4th change (down) is held, changes up still go out',
      [
        [0, 'warning'],
        [10_000, null],
        [20_000, 'warning'],
        [30_000, null],
        [40_000, 'critical'],
        [50_000, 'warning'],
      ],
      ['warning', null, 'warning', 'none', 'critical', 'none'],
    ],
    [
      'a held change goes out once the changes age out of the window',
      [
        [0, 'warning'],
        [10_000, null],
        [20_000, 'warning'],
        [30_000, null],
        [99_999, null],
        [100_000, null],
      ],
      ['warning', null, 'warning', 'none', 'none', null],
    ],
    [
      'a flap back up while held cancels the change',
      [
        [0, 'warning'],
        [10_000, null],
        [20_000, 'warning'],
        [30_000, null],
        [40_000, 'warning'],
        [140_000, 'warning'],
      ],
      ['warning', null, 'warning', 'none', 'none', 'none'],
    ],
  ])('%s', (_name, verdicts, expected) => {
    const state = newSettledState();
    const published = verdicts.map(([now, verdict]) => {
      const out = settleSeverity(state, verdict, now, policy);
      return out === undefined ? 'none' : out;
    });
    expect(published).toEqual(expected);
  });
});

describe('raised risks (Node-RED scenarios)', () => {
  const config: RaiseRiskConfig = {
    scenarioId: 'waterlog',
    name: '积水联动',
    category: 'flood',
    severity: 'warning',
  };
  it.each<[string, unknown, string[]]>([
    ['not an object', 'wl-1', ['payload must be an object']],
    [
      'every field wrong',
      { deviceId: 'a/b', severity: 'high', value: 'x', metric: 1 },
      [
        'payload.deviceId must be a device id',
        'payload.severity must be info, warning, critical or null (resolved)',
        'payload.value must be a number',
        'payload.metric must be a string',
      ],
    ],
  ])('rejects %s', (_name, payload, errors) => {
    const parsed = parseRaisedRisk(payload, config);
    expect(parsed.ok ? parsed : { ...parsed, errors: inEnglish(parsed.errors) }).toEqual({
      ok: false,
      errors,
    });
  });

  it('takes the configured severity by default and builds a signal like a rule would', () => {
    const parsed = parseRaisedRisk({ deviceId: 'wl-1', metric: 'level', value: 0.9 }, config);
    expect(parsed).toEqual({
      ok: true,
      risk: { deviceId: 'wl-1', severity: 'warning', metric: 'level', value: 0.9 },
    });
    if (!parsed.ok) return;
    const device = { deviceId: 'wl-1', gridId: 'G01', deviceType: 'water_level' };
    expect(scenarioSignal(config, device, parsed.risk, null, 5000)).toEqual({
      ruleId: 'flow-waterlog',
      ruleName: '积水联动',
      category: 'flood',
      ...device,
      severity: 'warning',
      previousSeverity: null,
      metric: 'level',
      value: 0.9,
      at: 5000,
    });
    expect(parseRaisedRisk({ deviceId: 'wl-1', severity: null }, config)).toMatchObject({
      risk: { severity: null },
    });
  });

  it('checks a node configuration', () => {
    expect(checkRaiseRiskConfig(config)).toEqual([]);
    expect(
      inEnglish(checkRaiseRiskConfig({ scenarioId: '积水', name: ' ', severity: 'high' as Severity })),
    ).toEqual([
      'scenarioId must be an id (letters, digits, _ and -)',
      'name is required',
      'category is required',
      'severity must be info, warning or critical',
    ]);
  });
});
