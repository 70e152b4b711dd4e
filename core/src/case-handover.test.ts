import { describe, expect, it } from 'vitest';
import { beijing, caseIn, NOW } from './case-test-fixture';
import { endedShifts, planHandover, shiftEndedBetween, type Handover } from './case-handover';
import type { RosterShift } from './case-rosters';
import type { CaseRecord, CaseState } from './case-types';

const BEIJING = 480;

type Row = [
  what: string,
  record: CaseRecord,
  onDuty: string[],
  expected: Pick<Handover, 'role' | 'toUserId'> | undefined,
  after?: Partial<CaseRecord>,
];

describe('planHandover: who gets each open case of a leaving worker (w1)', () => {
  it.each<Row>([
    [
      'a dispatched case goes to the primary on duty, still waiting for 签收',
      caseIn('dispatched'),
      ['w2', 'w3'],
      { role: 'lead', toUserId: 'w2' },
      { state: 'dispatched', assigneeId: 'w2', acceptDueAt: NOW + 600_000, lastNotifiedAt: NOW },
    ],
    [
      'the leaver is skipped when still listed on duty',
      caseIn('accepted'),
      ['w1', 'w3'],
      { role: 'lead', toUserId: 'w3' },
      { state: 'accepted', assigneeId: 'w3' },
    ],
    [
      'work in progress keeps its state and deadlines with the successor',
      caseIn('in_progress', { resolveDueAt: NOW + 5_000 }),
      ['w2'],
      { role: 'lead', toUserId: 'w2' },
      { state: 'in_progress', assigneeId: 'w2', resolveDueAt: NOW + 5_000 },
    ],
    [
      'a successor who was co-handler leads and leaves the co-handler list',
      caseIn('dispatched', { coHandlerIds: ['w2', 'h1'] }),
      ['w2'],
      { role: 'lead', toUserId: 'w2' },
      { assigneeId: 'w2', coHandlerIds: ['h1'] },
    ],
    [
      'nobody on duty: back to the dispatcher, not counted as a 退单',
      caseIn('accepted', { returnCount: 1, pausedAt: NOW - 1000, pauseReason: '等待', coHandlerIds: ['h1'] }),
      [],
      { role: 'lead', toUserId: null },
      {
        state: 'returned',
        assigneeId: null,
        coHandlerIds: [],
        returnCount: 1,
        acceptDueAt: null,
        arriveDueAt: null,
        pausedAt: null,
      },
    ],
    [
      'only the leaver on duty is the same as nobody',
      caseIn('dispatched'),
      ['w1'],
      { role: 'lead', toUserId: null },
      { state: 'returned' },
    ],
    [
      "the leaver's waiting 延期 request lapses",
      caseIn('in_progress', {
        extensionRequest: { days: 2, reason: '等料', requestedById: 'w1', requestedAt: NOW - 10 },
      }),
      ['w2'],
      { role: 'lead', toUserId: 'w2' },
      { extensionRequest: null },
    ],
    [
      "a co-handler's place passes to the one on duty",
      caseIn('accepted', { assigneeId: 'w9', coHandlerIds: ['w1', 'h1'] }),
      ['w2'],
      { role: 'co', toUserId: 'w2' },
      { assigneeId: 'w9', coHandlerIds: ['h1', 'w2'] },
    ],
    [
      "a co-handler's place lapses when the one on duty already leads",
      caseIn('accepted', { assigneeId: 'w2', coHandlerIds: ['w1'] }),
      ['w2'],
      { role: 'co', toUserId: null },
      { assigneeId: 'w2', coHandlerIds: [] },
    ],
    [
      "a co-handler's place lapses with nobody on duty",
      caseIn('resolved', { assigneeId: 'w9', coHandlerIds: ['w1'] }),
      [],
      { role: 'co', toUserId: null },
      { state: 'resolved', coHandlerIds: [] },
    ],
    ['someone else’s case is not touched', caseIn('dispatched', { assigneeId: 'w9' }), ['w2'], undefined],
    ['a closed case is not touched', caseIn('closed', { coHandlerIds: ['w1'] }), ['w2'], undefined],
  ])('%s', (_what, record, onDuty, expected, after) => {
    const plan = planHandover(record, 'w1', onDuty, NOW);
    if (!expected) return expect(plan).toBeUndefined();
    expect(plan).toMatchObject({ ...expected, fromUserId: 'w1' });
    expect(plan?.next).toMatchObject({ ...after, updatedAt: NOW, id: record.id });
  });

  it.each<CaseState>(['reported', 'registered', 'resolved', 'verified', 'returned', 'reopened'])(
    'a %s case keeps its lead (nothing for the lead to do)',
    (state) => expect(planHandover(caseIn(state), 'w1', ['w2'], NOW)).toBeUndefined(),
  );
});

const shift = (extra: Partial<RosterShift>): RosterShift => ({
  scopeKind: 'grid',
  scopeId: 'g-1',
  userId: 'w1',
  duty: 'primary',
  weekdays: [5],
  startMinute: 8 * 60,
  endMinute: 17 * 60,
  ...extra,
});

describe('shiftEndedBetween: did an occurrence end in (from, to]', () => {
  // Friday 2026-12-04, Beijing time.
  const fri = (h: number, m = 0) => beijing(2026, 12, 4, h, m);
  it.each<[string, RosterShift, number, number, boolean]>([
    ['a day shift ending inside the window', shift({}), fri(16, 59), fri(17, 1), true],
    ['the end instant itself belongs to the window', shift({}), fri(16, 59), fri(17), true],
    ['a window that starts at the end does not see it again', shift({}), fri(17), fri(18), false],
    ['before the end', shift({}), fri(9), fri(16, 59), false],
    ['another weekday', shift({ weekdays: [4] }), fri(16), fri(18), false],
    [
      'overnight from Thursday ends Friday morning',
      shift({ weekdays: [4], startMinute: 22 * 60, endMinute: 6 * 60 }),
      fri(5),
      fri(7),
      true,
    ],
    [
      'overnight from Friday ends Saturday, not Friday morning',
      shift({ startMinute: 22 * 60, endMinute: 6 * 60 }),
      fri(5),
      fri(7),
      false,
    ],
    ['an empty window', shift({}), fri(17), fri(17), false],
    ['a long outage looks back at most eight days', shift({}), fri(17) - 30 * 86_400_000, fri(18), true],
  ])('%s', (_what, s, from, to, ended) => expect(shiftEndedBetween(s, from, to, BEIJING)).toBe(ended));
});

describe('endedShifts', () => {
  const fri = (h: number) => beijing(2026, 12, 4, h);
  it('leaves out a person back on duty in the same scope by a following shift', () => {
    const day = shift({});
    const evening = shift({ startMinute: 17 * 60, endMinute: 22 * 60 });
    const otherGrid = shift({ scopeId: 'g-2', startMinute: 17 * 60, endMinute: 22 * 60 });
    const other = shift({ userId: 'w2' });
    expect(endedShifts([day, evening, other], fri(16), fri(18), BEIJING)).toEqual([other]);
    expect(endedShifts([day, otherGrid], fri(16), fri(18), BEIJING)).toEqual([day]);
  });
});
