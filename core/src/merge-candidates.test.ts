import { describe, expect, it } from 'vitest';
import { mergeCandidates, mergeCandidateView } from './merge-candidates';
import { caseIn, NOW } from './case-test-fixture';
import type { CaseRecord, CaseState } from './case-types';

const MIN = 60_000;
const target = caseIn('dispatched', {
  id: 'C-target',
  gridId: 'G01',
  category: 'fire_safety',
  parentId: null,
});
const other = (id: string, extra: Partial<CaseRecord> = {}) =>
  caseIn('dispatched', { id, gridId: 'G01', category: 'fire_safety', openedAt: NOW, ...extra });
const ids = (found: ReturnType<typeof mergeCandidates<CaseRecord>>) =>
  found.map((c) => [c.record.id, c.reasons]);

describe('mergeCandidates (一人多诉, 多人一诉)', () => {
  it('lists the same caller’s cases anywhere and the same grid and category’s, each with why, oldest first', () => {
    const caller = other('C-caller', { gridId: 'G07', category: 'flood', openedAt: NOW - 5 * MIN });
    const place = other('C-place', { openedAt: NOW - 10 * MIN });
    const both = other('C-both', { openedAt: NOW - MIN });
    expect(ids(mergeCandidates(target, [caller, both], [both, place]))).toEqual([
      ['C-place', ['same_place']],
      ['C-caller', ['same_caller']],
      ['C-both', ['same_caller', 'same_place']],
    ]);
  });

  it('never offers the case itself or the case it sits under', () => {
    const child = { ...target, parentId: 'C-parent' };
    const found = mergeCandidates(child, [other('C-target'), other('C-parent')], [other('C-parent')]);
    expect(found).toEqual([]);
  });

  it('a place candidate must share both grid and category', () => {
    const found = mergeCandidates(
      target,
      [],
      [other('C-grid', { gridId: 'G02' }), other('C-category', { category: 'flood' }), other('C-same')],
    );
    expect(ids(found)).toEqual([['C-same', ['same_place']]]);
  });

  it.each<[CaseState, boolean]>([
    ['reported', true],
    ['registered', true],
    ['dispatched', true],
    ['accepted', true],
    ['in_progress', true],
    ['returned', true],
    ['reopened', true],
    ['resolved', false],
    ['verified', false],
    ['closed', false],
  ])('a %s case is offered: %s (a merge takes open cases not yet resolved)', (state, offered) => {
    const found = mergeCandidates(target, [caseIn(state, { id: 'C-x', gridId: 'G07' })], []);
    expect(found.length).toBe(offered ? 1 : 0);
  });

  it('the view says what and why, never who called', () => {
    const [candidate] = mergeCandidates(
      target,
      [other('C-caller', { title: '楼道堆物', address: '3 号楼' })],
      [],
    );
    expect(mergeCandidateView(candidate!)).toEqual({
      id: 'C-caller',
      title: '楼道堆物',
      state: 'dispatched',
      severity: 'critical',
      source: 'auto',
      category: 'fire_safety',
      gridId: 'G01',
      address: '3 号楼',
      openedAt: NOW,
      reasons: ['same_caller'],
    });
  });
});
