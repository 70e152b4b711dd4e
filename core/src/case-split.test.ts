import { describe, expect, it } from 'vitest';
import { parseCaseSplit, splitProblems, type CaseSplit } from './case-split';
import { caseIn } from './case-test-fixture';
import { CASE_STATES, type CaseState } from './case-types';
import { inEnglish } from './errors';

const BODY = {
  title: '楼道灯不亮',
  description: '3 号楼 2 单元楼道灯坏了',
  category: 'facility',
  severity: 'info',
};

describe('parseCaseSplit (the split form at the boundary)', () => {
  it('takes a full body, trimmed, with optional fields as null', () => {
    expect(parseCaseSplit({ ...BODY, title: '  楼道灯不亮 ', note: ' 来电人提到两件事 ' })).toEqual({
      ok: true,
      value: { ...BODY, subcategory: null, caseType: null, note: '来电人提到两件事' },
    });
    expect(parseCaseSplit({ ...BODY, subcategory: 'facility.lighting', note: '' })).toMatchObject({
      ok: true,
      value: { subcategory: 'facility.lighting', note: null },
    });
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'split', ['body must be an object']],
    ['a list', [BODY], ['body must be an object']],
    ['no title', { ...BODY, title: ' ' }, ['title is required (≤ 120 characters)']],
    ['a long title', { ...BODY, title: 'x'.repeat(121) }, ['title is required (≤ 120 characters)']],
    ['no description', { ...BODY, description: undefined }, ['description is required (≤ 2000 characters)']],
    ['a category that is not text', { ...BODY, category: 7 }, ['category is required (≤ 64 characters)']],
    [
      'an unknown severity',
      { ...BODY, severity: 'urgent' },
      ['severity must be one of info, warning, critical'],
    ],
    ['a note that is not text', { ...BODY, note: 5 }, ['note must be text of at most 500 characters']],
    ['a long note', { ...BODY, note: 'x'.repeat(501) }, ['note must be text of at most 500 characters']],
    [
      'a subcategory that is not text',
      { ...BODY, subcategory: ['a'] },
      ['subcategory must be text of at most 64 characters'],
    ],
    [
      'fields it does not know',
      { ...BODY, gridId: 'G07', state: 'closed' },
      ['unknown fields: gridId, state'],
    ],
    [
      'everything wrong at once',
      {},
      [
        'title is required (≤ 120 characters)',
        'description is required (≤ 2000 characters)',
        'category is required (≤ 64 characters)',
        'severity must be one of info, warning, critical',
      ],
    ],
  ])('refuses %s', (_name, body, errors) => {
    const parsed = parseCaseSplit(body);
    expect(parsed.ok ? parsed : { ...parsed, errors: inEnglish(parsed.errors) }).toEqual({
      ok: false,
      errors,
    });
  });
});

describe('splitProblems (which case may be split, and into what)', () => {
  const original = caseIn('dispatched', {
    title: '楼道堆物',
    category: 'fire_safety',
    subcategory: 'fire_safety.hazard',
    caseType: 'fire_safety.hazard.corridor_storage',
  });
  const other: CaseSplit = {
    ...BODY,
    severity: 'info',
    subcategory: null,
    caseType: null,
    note: null,
  };

  const splittable: Record<CaseState, boolean> = {
    reported: true,
    registered: true,
    dispatched: true,
    accepted: true,
    in_progress: true,
    returned: true,
    reopened: true,
    resolved: false,
    verified: false,
    closed: false,
  };
  it.each(CASE_STATES.map((state) => [state, splittable[state]] as const))(
    'a %s case may be split: %s',
    (state, allowed) => {
      expect(inEnglish(splitProblems({ ...original, state }, other))).toEqual(
        allowed ? [] : ['only an open case not yet resolved can be split'],
      );
    },
  );

  it.each<[string, Partial<CaseSplit>, boolean]>([
    ['the same title and classification', {}, false],
    ['another title', { title: '楼道堆物和占道' }, true],
    ['another category', { category: 'city_appearance', subcategory: null, caseType: null }, true],
    ['another type under the same subcategory', { caseType: 'fire_safety.hazard.blocked_exit' }, true],
  ])('the new matter with %s: allowed %s', (_name, change, allowed) => {
    const same = {
      title: original.title,
      category: original.category,
      subcategory: original.subcategory,
      caseType: original.caseType,
      ...change,
    };
    expect(inEnglish(splitProblems(original, same))).toEqual(
      allowed ? [] : ['the new case must be another matter: change its title or its category'],
    );
  });
});
