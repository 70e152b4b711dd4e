import { describe, expect, it } from 'vitest';
import { inEnglish, type Problem } from './errors';
import {
  chooseHandlers,
  handlerKey,
  pickDispatchRule,
  validateDispatchRule,
  type Candidate,
  type DispatchRule,
} from './case-routing';
import { isShiftActive, onDutyNow, validateRosterShift, type RosterShift } from './case-rosters';
import {
  checkClassification,
  classifySignal,
  isSafetyCategory,
  validateCategoryNode,
  type CaseCategoryNode,
} from './case-taxonomy';
import { beijing } from './case-test-fixture';

/** A validation result with its problems as the API words them in English. */
const worded = (result: { ok: boolean; errors?: readonly Problem[] }) =>
  result.errors ? { ...result, errors: inEnglish(result.errors) } : result;

const rule = (
  id: string,
  match: string,
  regionId: string,
  extra: Partial<DispatchRule> = {},
): DispatchRule => ({
  id,
  match,
  regionId,
  lead: { kind: 'grid_duty' },
  coHandlers: [],
  enabled: true,
  note: null,
  ...extra,
});

const RULES: DispatchRule[] = [
  rule('any-district', '*', 'D1'),
  rule('fire-district', 'fire_safety', 'D1', { coHandlers: [{ kind: 'community' }] }),
  rule('fire-alarm-street', 'fire_safety.alarm', 'S1'),
  rule('smoke-grid', 'fire_safety.alarm.smoke', 'G01'),
  rule('litter-district', 'city_appearance', 'D1', {
    lead: { kind: 'department', departmentId: 'dept-cgj' },
  }),
  rule('litter-off', 'city_appearance', 'G02', { enabled: false }),
];

describe('pickDispatchRule: one matter, one list', () => {
  const lineage = (grid: string) =>
    grid === 'G01' || grid === 'G02' ? [grid, 'C1', 'S1', 'D1'] : [grid, 'C3', 'S2', 'D1'];
  it.each<[string, string, string | null, string | null, string, string | undefined]>([
    [
      'the exact type in its grid',
      'fire_safety',
      'fire_safety.alarm',
      'fire_safety.alarm.smoke',
      'G01',
      'smoke-grid',
    ],
    [
      'the type elsewhere falls to the street subcategory',
      'fire_safety',
      'fire_safety.alarm',
      'fire_safety.alarm.smoke',
      'G02',
      'fire-alarm-street',
    ],
    [
      'the subcategory in another street falls to the category',
      'fire_safety',
      'fire_safety.alarm',
      null,
      'G07',
      'fire-district',
    ],
    ['a category with only the catch-all', 'flood', null, null, 'G07', 'any-district'],
    ['a disabled rule is skipped', 'city_appearance', null, null, 'G02', 'litter-district'],
    ['a grid outside every region', 'flood', null, null, 'X9', undefined],
  ])('%s', (_name, category, subcategory, caseType, grid, expected) => {
    const target = { category, subcategory, caseType, lineage: grid === 'X9' ? ['X9'] : lineage(grid) };
    expect(pickDispatchRule(RULES, target)?.id).toBe(expected);
  });

  it('prefers the nearer region at equal depth', () => {
    const rules = [rule('district', 'flood', 'D1'), rule('street', 'flood', 'S1')];
    expect(
      pickDispatchRule(rules, {
        category: 'flood',
        subcategory: null,
        caseType: null,
        lineage: ['G01', 'C1', 'S1', 'D1'],
      })?.id,
    ).toBe('street');
  });
});

describe('chooseHandlers', () => {
  const people = (entries: [string, Candidate[]][]) => new Map(entries);
  const primary = (userId: string, departmentId: string | null = null): Candidate => ({
    userId,
    duty: 'primary',
    departmentId,
  });
  const backup = (userId: string): Candidate => ({ userId, duty: 'backup', departmentId: null });
  const fire = {
    lead: { kind: 'grid_duty' as const },
    coHandlers: [{ kind: 'community' as const }, { kind: 'department' as const, departmentId: 'dept-fire' }],
  };

  it('lead is the primary, co-handlers the primaries of each reference', () => {
    const candidates = people([
      ['grid_duty', [backup('w2'), primary('w1')]],
      ['community', [primary('sup1')]],
      ['department:dept-fire', [primary('h-fire', 'dept-fire')]],
    ]);
    expect(chooseHandlers(fire, candidates)).toEqual({
      leadId: 'w1',
      departmentId: null,
      coHandlerIds: ['sup1', 'h-fire'],
    });
  });

  it('falls back to the backup when the primary is excluded (AB角)', () => {
    const candidates = people([['grid_duty', [primary('w1'), backup('w2')]]]);
    expect(chooseHandlers(fire, candidates, ['w1'])).toEqual({
      leadId: 'w2',
      departmentId: null,
      coHandlerIds: [],
    });
  });

  it('a department lead carries its department', () => {
    const candidates = people([['department:dept-cgj', [primary('h-cgj', 'dept-cgj')]]]);
    expect(
      chooseHandlers({ lead: { kind: 'department', departmentId: 'dept-cgj' }, coHandlers: [] }, candidates),
    ).toEqual({
      leadId: 'h-cgj',
      departmentId: 'dept-cgj',
      coHandlerIds: [],
    });
  });

  it('nobody on duty for the lead gives no choice', () => {
    expect(chooseHandlers(fire, people([['community', [primary('sup1')]]]))).toBeUndefined();
  });

  it('names references stably', () => {
    expect(
      [{ kind: 'grid_duty' }, { kind: 'street' }, { kind: 'user', userId: 'u1' }].map((r) =>
        handlerKey(r as never),
      ),
    ).toEqual(['grid_duty', 'street', 'user:u1']);
  });

  it('validates a rule, listing every problem', () => {
    expect(worded(validateDispatchRule(rule('ok', '*', 'D1')))).toMatchObject({ ok: true });
    expect(
      worded(
        validateDispatchRule({ id: 'bad id', lead: { kind: 'department' }, coHandlers: [{ kind: 'boss' }] }),
      ),
    ).toEqual({
      ok: false,
      errors: [
        'id must be 1–64 of A-Z a-z 0-9 _ -',
        'match must be a taxonomy key or *',
        'regionId is required',
        'lead must be a handler reference',
        'coHandlers must be a list of handler references',
        'enabled must be true or false',
      ],
    });
  });
});

describe('rosters', () => {
  const day: RosterShift = {
    scopeKind: 'grid',
    scopeId: 'G01',
    userId: 'w1',
    duty: 'primary',
    weekdays: [1, 2, 3, 4, 5],
    startMinute: 8 * 60,
    endMinute: 20 * 60,
  };
  const night: RosterShift = { ...day, userId: 'w3', weekdays: [5], startMinute: 20 * 60, endMinute: 8 * 60 };
  it.each<[string, RosterShift, number, boolean]>([
    ['day shift on a Monday morning', day, beijing(2026, 3, 9, 9), true],
    ['day shift at its end', day, beijing(2026, 3, 9, 20), false],
    ['day shift on a Saturday', day, beijing(2026, 3, 14, 9), false],
    ['Friday night shift on Friday evening', night, beijing(2026, 3, 13, 22), true],
    ['Friday night shift past midnight into Saturday', night, beijing(2026, 3, 14, 7, 59), true],
    ['Friday night shift on Saturday morning after it ends', night, beijing(2026, 3, 14, 8), false],
    ['Friday night shift on Thursday night', night, beijing(2026, 3, 12, 22), false],
  ])('%s → %s', (_name, shift, at, active) => expect(isShiftActive(shift, at, 480)).toBe(active));

  const standing = [
    { userId: 'w2', duty: 'backup' as const },
    { userId: 'w1', duty: 'primary' as const },
  ];
  it('running shifts decide; outside them the standing duties apply, primary first', () => {
    expect(onDutyNow(standing, [night], beijing(2026, 3, 13, 22), 480)).toEqual([
      { userId: 'w3', duty: 'primary' },
    ]);
    expect(onDutyNow(standing, [night], beijing(2026, 3, 13, 12), 480)).toEqual([
      { userId: 'w1', duty: 'primary' },
      { userId: 'w2', duty: 'backup' },
    ]);
  });

  it('validates a shift', () => {
    expect(worded(validateRosterShift(day))).toEqual({ ok: true, shift: day });
    expect(worded(validateRosterShift({ ...day, weekdays: [], startMinute: 1440, duty: 'chief' }))).toEqual({
      ok: false,
      errors: [
        'duty must be primary or backup',
        'weekdays must be a non-empty list of ISO weekdays 1–7',
        'startMinute and endMinute must be 0–1439',
      ],
    });
  });
});

describe('taxonomy', () => {
  const NODES: CaseCategoryNode[] = [
    { key: 'fire_safety', level: 'category', name: '消防安全', safety: true, matches: [] },
    { key: 'fire_safety.alarm', level: 'subcategory', name: '火情告警', safety: true, matches: [] },
    {
      key: 'fire_safety.alarm.smoke',
      level: 'type',
      name: '烟感告警',
      safety: true,
      matches: ['smoke-high'],
    },
    {
      key: 'fire_safety.alarm.video',
      level: 'type',
      name: '视频烟火',
      safety: true,
      matches: ['fire_smoke'],
    },
    { key: 'city_appearance', level: 'category', name: '市容环卫', safety: false, matches: [] },
  ];
  it.each<[string, { category: string; ruleId: string; eventType?: string }, string | null]>([
    ['by rule id', { category: 'fire_safety', ruleId: 'smoke-high' }, 'fire_safety.alarm.smoke'],
    [
      'by event type',
      { category: 'fire_safety', ruleId: 'camera-fire', eventType: 'fire_smoke' },
      'fire_safety.alarm.video',
    ],
    ['only within its category', { category: 'city_appearance', ruleId: 'smoke-high' }, null],
    ['unknown rule', { category: 'fire_safety', ruleId: 'other' }, null],
  ])('classifies %s', (_name, signal, type) => {
    expect(classifySignal(NODES, signal)).toEqual({
      category: signal.category,
      subcategory: type ? 'fire_safety.alarm' : null,
      caseType: type,
    });
  });

  it('knows safety categories and checks classifications', () => {
    expect(isSafetyCategory(NODES, 'fire_safety')).toBe(true);
    expect(isSafetyCategory(NODES, 'city_appearance')).toBe(false);
    expect(
      checkClassification(NODES, {
        category: 'fire_safety',
        subcategory: 'fire_safety.alarm',
        caseType: 'fire_safety.alarm.smoke',
      }),
    ).toEqual([]);
    expect(
      inEnglish(
        checkClassification(NODES, {
          category: 'city_appearance',
          subcategory: 'fire_safety.alarm',
          caseType: 'fire_safety.alarm.x',
        }),
      ),
    ).toEqual([
      'subcategory fire_safety.alarm is not under city_appearance',
      'type fire_safety.alarm.x is not under fire_safety.alarm',
    ]);
    expect(
      inEnglish(checkClassification(NODES, { category: 'weather', subcategory: null, caseType: null })),
    ).toEqual(['unknown category weather']);
  });

  it('validates a node and its parent', () => {
    expect(
      validateCategoryNode(
        { key: 'fire_safety.alarm.heat', level: 'type', name: '温感', safety: true, matches: [] },
        NODES,
      ),
    ).toMatchObject({ ok: true });
    expect(
      worded(
        validateCategoryNode(
          { key: 'gas.leak', level: 'category', name: '', safety: 'yes', matches: [1] },
          NODES,
        ),
      ),
    ).toEqual({
      ok: false,
      errors: [
        'level must be subcategory for this key',
        'parent gas does not exist',
        'name is required',
        'safety must be true or false',
        'matches must be a list of rule ids or event types',
      ],
    });
  });
});
