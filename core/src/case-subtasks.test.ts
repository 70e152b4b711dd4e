import { describe, expect, it } from 'vitest';
import { DEFAULT_WORK_CALENDAR } from './case-calendar';
import {
  dueSubtaskClock,
  missingReports,
  newSubtask,
  nextSubtaskCheckAt,
  parseAddCoHandler,
  parseSubtaskCommand,
  resolveRefusal,
  SUBTASK_MOVES,
  SUBTASK_STATES,
  subtaskDueAt,
  subtaskReminderAt,
  transitionSubtask,
  type CaseSubtask,
  type SubtaskActor,
  type SubtaskCommand,
  type SubtaskState,
} from './case-subtasks';
import { beijing, NOW } from './case-test-fixture';
import { englishOf } from './api-texts';

const HOUR = 3_600_000;
const PHOTO = '/api/photos/0f8e7a64-1111-4c2d-9e3f-123456789abc.jpg';

const subtaskIn = (state: SubtaskState, extra: Partial<CaseSubtask> = {}): CaseSubtask => ({
  id: 1,
  caseId: 'c-1',
  assigneeId: 'h1',
  departmentId: 'dept-gas',
  state,
  required: true,
  task: '核查燃气管道',
  createdById: 'w1',
  createdAt: NOW - 10 * HOUR,
  dueAt: NOW + 10 * HOUR,
  acceptedAt: null,
  reportedAt: null,
  reportNote: null,
  reportPhotos: [],
  cancelledAt: null,
  cancelReason: null,
  remindedAt: null,
  overdueAt: null,
  updatedAt: NOW - 10 * HOUR,
  ...extra,
});

const ACTORS: Record<string, SubtaskActor> = {
  coHandler: { id: 'h1', role: 'handler', leadsCase: false },
  otherHandler: { id: 'h2', role: 'handler', leadsCase: false },
  lead: { id: 'w1', role: 'grid_worker', leadsCase: true },
  operator: { id: 'op1', role: 'operator', leadsCase: false },
  engineer: { id: 'e1', role: 'engineer', leadsCase: false },
};

const COMMANDS: Record<SubtaskCommand['action'], SubtaskCommand> = {
  accept: { action: 'accept' },
  report: { action: 'report', note: '管道已核查，无泄漏', photos: [PHOTO] },
  cancel: { action: 'cancel', reason: '燃气公司已到场' },
};

/** Who may take each move (when the state allows it). */
const ALLOWED: Record<SubtaskCommand['action'], string[]> = {
  accept: ['coHandler'],
  report: ['coHandler'],
  cancel: ['lead', 'operator'],
};

describe('协办 sub-task moves: every state × action × actor', () => {
  const cells = SUBTASK_STATES.flatMap((state) =>
    Object.values(COMMANDS).flatMap((command) =>
      Object.keys(ACTORS).map((actor) => ({ state, command, actor })),
    ),
  );

  it.each(cells)('$command.action on a $state sub-task by $actor', ({ state, command, actor }) => {
    const result = transitionSubtask(subtaskIn(state), command, ACTORS[actor]!, NOW);
    const move = SUBTASK_MOVES[command.action];
    if (!move.from.includes(state)) expect(result).toMatchObject({ ok: false, code: 'invalid_transition' });
    else if (!ALLOWED[command.action].includes(actor))
      expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    else expect(result).toMatchObject({ ok: true, next: { state: move.to, updatedAt: NOW } });
  });
});

describe('协办 sub-task outcomes', () => {
  it('accepting stamps the time', () => {
    expect(transitionSubtask(subtaskIn('created'), COMMANDS.accept, ACTORS.coHandler!, NOW)).toMatchObject({
      ok: true,
      next: { state: 'accepted', acceptedAt: NOW },
    });
  });

  it('a report keeps its trimmed note and its photos once each; a blank note is refused', () => {
    const result = transitionSubtask(
      subtaskIn('accepted'),
      { action: 'report', note: '  已处理 ', photos: [PHOTO, PHOTO] },
      ACTORS.coHandler!,
      NOW,
    );
    expect(result).toMatchObject({
      ok: true,
      next: { state: 'reported', reportedAt: NOW, reportNote: '已处理', reportPhotos: [PHOTO] },
    });
    expect(
      transitionSubtask(subtaskIn('accepted'), { action: 'report', note: ' ' }, ACTORS.coHandler!, NOW),
    ).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it('cancelling needs a reason and records it', () => {
    expect(
      transitionSubtask(subtaskIn('accepted'), { action: 'cancel', reason: '' }, ACTORS.lead!, NOW),
    ).toMatchObject({ ok: false, code: 'validation_failed' });
    expect(transitionSubtask(subtaskIn('accepted'), COMMANDS.cancel, ACTORS.lead!, NOW)).toMatchObject({
      ok: true,
      next: { state: 'cancelled', cancelledAt: NOW, cancelReason: '燃气公司已到场' },
    });
  });
});

describe('a new sub-task', () => {
  it('waits for its co-handler with nothing answered, its clock starting now', () => {
    const fields = {
      caseId: 'C-1',
      assigneeId: 'w2',
      departmentId: null,
      required: true,
      task: '请协助核实',
      createdById: 'w1',
      dueAt: NOW + 86_400_000,
    };
    expect(newSubtask(fields, NOW)).toEqual({
      ...fields,
      state: 'created',
      createdAt: NOW,
      updatedAt: NOW,
      acceptedAt: null,
      reportedAt: null,
      reportNote: null,
      reportPhotos: [],
      cancelledAt: null,
      cancelReason: null,
      remindedAt: null,
      overdueAt: null,
    });
  });
});

describe('the lead resolves only once the required reports are in', () => {
  const cases: { name: string; subtasks: CaseSubtask[]; missing: number }[] = [
    { name: 'no co-handlers', subtasks: [], missing: 0 },
    { name: 'one required, waiting to be accepted', subtasks: [subtaskIn('created')], missing: 1 },
    { name: 'one required, accepted', subtasks: [subtaskIn('accepted')], missing: 1 },
    { name: 'one required, reported', subtasks: [subtaskIn('reported')], missing: 0 },
    { name: 'one required, cancelled', subtasks: [subtaskIn('cancelled')], missing: 0 },
    { name: 'one optional, still open', subtasks: [subtaskIn('accepted', { required: false })], missing: 0 },
    {
      name: 'one reported and one required still open',
      subtasks: [subtaskIn('reported'), subtaskIn('created', { id: 2 })],
      missing: 1,
    },
  ];
  it.each(cases)('$name', ({ subtasks, missing }) => {
    expect(missingReports(subtasks)).toHaveLength(missing);
    const refusal = resolveRefusal(subtasks);
    expect(refusal && englishOf(refusal)).toBe(
      missing === 0 ? null : `${missing} required co-handler report(s) missing`,
    );
  });
});

describe('sub-task clocks', () => {
  // A 10-hour window: reminded 2 hours ahead (a fifth), overdue at the deadline, each once.
  const open = subtaskIn('accepted', { createdAt: NOW, dueAt: NOW + 10 * HOUR });
  const cases: { name: string; subtask: CaseSubtask; at: number; action: string | null }[] = [
    { name: 'early: nothing', subtask: open, at: NOW + HOUR, action: null },
    { name: 'a fifth ahead: remind', subtask: open, at: NOW + 8 * HOUR, action: 'remind' },
    {
      name: 'reminded already: nothing until due',
      subtask: { ...open, remindedAt: NOW + 8 * HOUR },
      at: NOW + 9 * HOUR,
      action: null,
    },
    { name: 'past due: overdue', subtask: open, at: NOW + 11 * HOUR, action: 'overdue' },
    {
      name: 'overdue already: nothing more',
      subtask: { ...open, remindedAt: NOW, overdueAt: NOW + 10 * HOUR },
      at: NOW + 20 * HOUR,
      action: null,
    },
    { name: 'reported: silent', subtask: { ...open, state: 'reported' }, at: NOW + 11 * HOUR, action: null },
    {
      name: 'cancelled: silent',
      subtask: { ...open, state: 'cancelled' },
      at: NOW + 11 * HOUR,
      action: null,
    },
  ];
  it.each(cases)('$name', ({ subtask, at, action }) => {
    expect(dueSubtaskClock(subtask, at)).toBe(action);
  });

  it('the next check is the reminder, then the deadline, then never', () => {
    expect(nextSubtaskCheckAt(open)).toBe(NOW + 8 * HOUR);
    expect(nextSubtaskCheckAt({ ...open, remindedAt: NOW + 8 * HOUR })).toBe(NOW + 10 * HOUR);
    expect(nextSubtaskCheckAt({ ...open, overdueAt: NOW + 10 * HOUR })).toBeNull();
    expect(nextSubtaskCheckAt({ ...open, state: 'reported' })).toBeNull();
  });

  it('reminds at least a minute and at most a day ahead', () => {
    expect(subtaskReminderAt({ createdAt: NOW, dueAt: NOW + 60_000 })).toBe(NOW);
    expect(subtaskReminderAt({ createdAt: NOW, dueAt: NOW + 30 * 24 * HOUR })).toBe(NOW + 29 * 24 * HOUR);
  });

  it('a deadline of N working days runs on the calendar (Friday 16:00 + 1 day = Monday 16:00)', () => {
    expect(subtaskDueAt(beijing(2026, 12, 4, 16), 1, DEFAULT_WORK_CALENDAR)).toBe(beijing(2026, 12, 7, 16));
  });
});

describe('parsing 协办 requests', () => {
  const adds: { body: unknown; ok: boolean }[] = [
    { body: { assigneeId: 'h1', task: '核查' }, ok: true },
    { body: { departmentId: 'dept-gas', task: '核查', days: 3, required: false }, ok: true },
    { body: { assigneeId: 'h1', departmentId: 'dept-gas', task: '核查' }, ok: false },
    { body: { task: '核查' }, ok: false },
    { body: { assigneeId: 'h1', task: ' ' }, ok: false },
    { body: { assigneeId: 'h1', task: '核查', days: 0 }, ok: false },
    { body: { assigneeId: 'h1', task: '核查', days: 31 }, ok: false },
    { body: { assigneeId: 'h1', task: '核查', required: 'yes' }, ok: false },
    { body: { assigneeId: 'h1', task: '核查', extra: 1 }, ok: false },
    { body: { assigneeId: 'h 1', task: '核查' }, ok: false },
    { body: [], ok: false },
    { body: null, ok: false },
  ];
  it.each(adds)('add $body → ok $ok', ({ body, ok }) => {
    expect(parseAddCoHandler(body).ok).toBe(ok);
  });

  it('an added co-handler defaults to one working day and the rule’s requirement', () => {
    expect(parseAddCoHandler({ assigneeId: 'h1', task: ' 核查 ' })).toEqual({
      ok: true,
      value: { assigneeId: 'h1', departmentId: null, task: '核查', days: 1, required: null },
    });
  });

  const moves: { body: unknown; ok: boolean }[] = [
    { body: { action: 'accept' }, ok: true },
    { body: { action: 'report', note: '已核查', photos: [PHOTO] }, ok: true },
    { body: { action: 'report', note: '已核查', photos: ['http://elsewhere/x.jpg'] }, ok: false },
    { body: { action: 'report' }, ok: false },
    { body: { action: 'cancel', reason: '不再需要' }, ok: true },
    { body: { action: 'cancel' }, ok: false },
    { body: { action: 'resolve' }, ok: false },
    { body: 'accept', ok: false },
  ];
  it.each(moves)('move $body → ok $ok', ({ body, ok }) => {
    expect(parseSubtaskCommand(body).ok).toBe(ok);
  });
});
