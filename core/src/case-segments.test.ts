import { describe, expect, it } from 'vitest';
import { beijing } from './case-test-fixture';
import { chargeSegments, solvedByCallback, type TimelineStep } from './case-segments';

const H = 3_600_000;
const DAY = beijing(2026, 3, 9);
const at = (hours: number) => DAY + hours * H;
const step = (
  hours: number,
  action: string,
  actorId: string,
  data: Record<string, unknown> | null = null,
) => ({
  at: at(hours),
  actorId,
  action,
  data,
});
const dispatch = (hours: number, assigneeId: string, departmentId: string | null = null) =>
  step(hours, 'dispatch', 'op1', { assigneeId, departmentId });
// Every dispatch gives one hour to accept; each resolve clock four hours (opened at 0: due at 4);
// a 延期 day is 24 h here.
const deadlines = {
  acceptDueAfter: (dispatchedAt: number) => dispatchedAt + H,
  resolveDueAfter: (start: number) => start + 4 * H,
  openedAt: at(0),
  extend: (dueAt: number, days: number) => dueAt + days * 24 * H,
  currentResolveDueAt: null,
};

interface Row {
  name: string;
  steps: TimelineStep[];
  now: number;
  expected: {
    personId: string;
    departmentId?: string | null;
    acceptedAt: number | null;
    respondedOnTime: boolean | null;
    end: string | null;
    endedAt: number | null;
    delayMs: number;
  }[];
}

const table: Row[] = [
  {
    name: 'a quick return is a response on time; the next holder answers for the late accept and the delay',
    steps: [
      dispatch(0, 'w1', 'd1'),
      step(0.5, 'return', 'w1', { reason: 'not_my_grid' }),
      dispatch(2, 'w2', 'd2'),
      step(3.5, 'accept', 'w2'),
      step(6, 'resolve', 'w2'),
    ],
    now: at(10),
    expected: [
      // returned within its hour, before the resolve deadline: nothing late
      {
        personId: 'w1',
        departmentId: 'd1',
        acceptedAt: null,
        respondedOnTime: true,
        end: 'returned',
        endedAt: at(0.5),
        delayMs: 0,
      },
      // accepted 3.5 > due 3; resolved at 6, 2 h past the deadline of 4
      {
        personId: 'w2',
        departmentId: 'd2',
        acceptedAt: at(3.5),
        respondedOnTime: false,
        end: 'resolved',
        endedAt: at(6),
        delayMs: 2 * H,
      },
    ],
  },
  {
    name: '核查不通过 opens a redo for the resolver on a fresh clock, with no response owed',
    steps: [
      dispatch(0, 'w2'),
      step(0.5, 'accept', 'w2'),
      step(3, 'resolve', 'w2'),
      step(7, 'reject', 'op1'),
      step(12, 'resolve', 'w2'),
    ],
    now: at(20),
    expected: [
      {
        personId: 'w2',
        acceptedAt: at(0.5),
        respondedOnTime: true,
        end: 'resolved',
        endedAt: at(3),
        delayMs: 0,
      },
      // the redo's clock runs from 7 to 11; resolved at 12: 1 h late
      {
        personId: 'w2',
        acceptedAt: at(7),
        respondedOnTime: null,
        end: 'resolved',
        endedAt: at(12),
        delayMs: H,
      },
    ],
  },
  {
    name: 'a pause moves the deadline by the time it waited',
    steps: [
      dispatch(0, 'w1'),
      step(0.1, 'accept', 'w1'),
      step(1, 'pause', 'w1'),
      step(3, 'resume', 'w1'),
      step(5, 'resolve', 'w1'),
    ],
    now: at(10),
    // due 4 + 2 h paused = 6; resolved at 5
    expected: [
      {
        personId: 'w1',
        acceptedAt: at(0.1),
        respondedOnTime: true,
        end: 'resolved',
        endedAt: at(5),
        delayMs: 0,
      },
    ],
  },
  {
    name: 'an approved 延期 moves the deadline; a refused one does not',
    steps: [
      dispatch(0, 'w1'),
      step(0.1, 'accept', 'w1'),
      step(2, 'request_extension', 'w1', { days: 1 }),
      step(2.5, 'approve_extension', 'sup1'),
      step(10, 'resolve', 'w1'),
      step(11, 'reopen', 'r'),
      dispatch(11, 'w2'),
      step(11.5, 'accept', 'w2'),
      step(12, 'request_extension', 'w2', { days: 1 }),
      step(12.5, 'refuse_extension', 'sup1'),
      step(17, 'resolve', 'w2'),
    ],
    now: at(20),
    expected: [
      // due 4 + 24 h: on time
      {
        personId: 'w1',
        acceptedAt: at(0.1),
        respondedOnTime: true,
        end: 'resolved',
        endedAt: at(10),
        delayMs: 0,
      },
      // reopened at 11: due 15; resolved at 17
      {
        personId: 'w2',
        acceptedAt: at(11.5),
        respondedOnTime: true,
        end: 'resolved',
        endedAt: at(17),
        delayMs: 2 * H,
      },
    ],
  },
  {
    name: 'never accepted past the accept deadline: no response, still open',
    steps: [dispatch(0, 'w1')],
    now: at(2),
    expected: [
      { personId: 'w1', acceptedAt: null, respondedOnTime: false, end: null, endedAt: null, delayMs: 0 },
    ],
  },
  {
    name: 'a re-dispatch ends the first holder’s stretch; the second is charged from its own start',
    steps: [dispatch(0, 'w1'), step(0.2, 'accept', 'w1'), dispatch(5, 'w3')],
    now: at(6),
    expected: [
      // held 0 → 5, deadline 4: 1 h late
      {
        personId: 'w1',
        acceptedAt: at(0.2),
        respondedOnTime: true,
        end: 'redispatched',
        endedAt: at(5),
        delayMs: H,
      },
      // accept due at 6 = now, not past yet; held 5 → 6, all late: 1 h
      { personId: 'w3', acceptedAt: null, respondedOnTime: null, end: null, endedAt: null, delayMs: H },
    ],
  },
  {
    name: 'a lead’s handover ends their stretch and starts the next one’s; a co-handler’s changes nothing',
    steps: [
      dispatch(0, 'w1'),
      step(0.2, 'accept', 'w1'),
      step(1, 'handover', 'system', { role: 'co', fromUserId: 'w9', toUserId: 'w8' }),
      step(2, 'handover', 'system', { role: 'lead', fromUserId: 'w1', toUserId: 'w2' }),
      step(2.5, 'accept', 'w2'),
      step(3, 'resolve', 'w2'),
    ],
    now: at(10),
    expected: [
      {
        personId: 'w1',
        acceptedAt: at(0.2),
        respondedOnTime: true,
        end: 'redispatched',
        endedAt: at(2),
        delayMs: 0,
      },
      {
        personId: 'w2',
        acceptedAt: at(2.5),
        respondedOnTime: true,
        end: 'resolved',
        endedAt: at(3),
        delayMs: 0,
      },
    ],
  },
  {
    name: 'voided before the accept deadline: closed, no response judged',
    steps: [dispatch(0, 'w1'), step(0.5, 'void', 'op1', { reason: 'false_alarm' })],
    now: at(6),
    expected: [
      {
        personId: 'w1',
        acceptedAt: null,
        respondedOnTime: null,
        end: 'closed',
        endedAt: at(0.5),
        delayMs: 0,
      },
    ],
  },
  {
    name: 'a dispatch naming nobody and an accept with no holder change nothing',
    steps: [step(0, 'dispatch', 'op1', { note: 'x' }), step(0.1, 'accept', 'w1'), step(0.2, 'reject', 'op1')],
    now: at(6),
    expected: [],
  },
];

describe('chargeSegments (each assignee answers for their own stretch of a case)', () => {
  it.each(table)('$name', ({ steps, now, expected }) => {
    const segments = chargeSegments(steps, deadlines, now);
    expect(segments).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(segments[i]).toMatchObject(e));
  });

  it('a case with no resolve deadline charges no delay', () => {
    const [segment] = chargeSegments(
      [dispatch(0, 'w1')],
      { ...deadlines, resolveDueAfter: () => null },
      at(50),
    );
    expect(segment?.delayMs).toBe(0);
  });

  it('the running clock of an unresolved case is the stored deadline (pauses and extensions in it)', () => {
    const [segment] = chargeSegments(
      [dispatch(0, 'w1')],
      { ...deadlines, currentResolveDueAt: at(2) },
      at(5),
    );
    expect(segment).toMatchObject({ resolveDueAt: at(2), delayMs: 3 * H });
  });

  it('a paused case stops growing late at its pause', () => {
    const steps = [dispatch(0, 'w1'), step(0.2, 'accept', 'w1'), step(6, 'pause', 'w1')];
    const [segment] = chargeSegments(steps, { ...deadlines, currentResolveDueAt: at(4) }, at(30));
    expect(segment?.delayMs).toBe(2 * H);
  });
});

describe('solvedByCallback (解决率 from 回访, apart from on-time resolution)', () => {
  it.each([
    { name: 'no callback', steps: [step(1, 'resolve', 'w1')], solved: null },
    {
      name: 'the latest callback wins',
      steps: [step(1, 'feedback', 'r', { solved: false }), step(2, 'feedback', 'r', { solved: true })],
      solved: true,
    },
    {
      name: 'a callback saying not solved',
      steps: [step(1, 'feedback', 'r', { satisfaction: 5, solved: false })],
      solved: false,
    },
    {
      name: 'a callback without the question answered is ignored',
      steps: [step(1, 'feedback', 'r', { satisfaction: 5 })],
      solved: null,
    },
  ])('$name', ({ steps, solved }) => {
    expect(solvedByCallback(steps)).toBe(solved);
  });
});
