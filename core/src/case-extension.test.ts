import { describe, expect, it } from 'vitest';
import { ACTORS, beijing, caseIn, NOW, POLICY } from './case-test-fixture';
import { clockTiming, dueClockActions, SUPERVISED_TIMING_FACTOR, transition, type CaseRecord } from './cases';

const { worker, otherWorker, operator, supervisor } = ACTORS;

/** The default calendar: Mon–Fri 09:00–12:00 and 13:30–17:30 Beijing time, 7 working hours a day. */
const FRIDAY_4PM = beijing(2026, 12, 4, 16, 0);

function requested(extra: Partial<CaseRecord> = {}): CaseRecord {
  const result = transition(
    caseIn('in_progress', { resolveDueAt: FRIDAY_4PM, ...extra }),
    { action: 'request_extension', days: 2, reason: '等待燃气公司更换管段' },
    worker,
    NOW,
    POLICY,
  );
  if (!result.ok) throw new Error(result.message);
  return result.next;
}

describe('延期: request, approve, refuse', () => {
  it('records the request and leaves the deadline running', () => {
    const next = requested();
    expect(next.extensionRequest).toEqual({
      days: 2,
      reason: '等待燃气公司更换管段',
      requestedById: 'w1',
      requestedAt: NOW,
    });
    expect(next.resolveDueAt).toBe(FRIDAY_4PM);
  });

  it('approval moves the resolve deadline by N working days on the calendar (over the weekend)', () => {
    const result = transition(
      requested({ remindedClocks: ['resolve'] }),
      { action: 'approve_extension' },
      supervisor,
      NOW,
      POLICY,
    );
    // Friday 16:00 + 2 × 7 working hours: Monday and Tuesday, ending Tuesday 16:00.
    expect(result).toMatchObject({
      ok: true,
      next: { extensionRequest: null, resolveDueAt: beijing(2026, 12, 8, 16, 0), remindedClocks: [] },
      effects: [],
    });
  });

  it('refusal needs a reason and keeps the deadline', () => {
    const pending = requested();
    expect(
      transition(pending, { action: 'refuse_extension', reason: ' ' }, operator, NOW, POLICY),
    ).toMatchObject({ ok: false, code: 'validation_failed' });
    expect(
      transition(pending, { action: 'refuse_extension', reason: '配件已到' }, operator, NOW, POLICY),
    ).toMatchObject({ ok: true, next: { extensionRequest: null, resolveDueAt: FRIDAY_4PM } });
  });

  it('is decided by someone other than the requester, and only once asked', () => {
    const bySupervisorHandler = transition(
      caseIn('in_progress', { assigneeId: 'sv1' }),
      { action: 'request_extension', days: 1, reason: '需协调物业' },
      supervisor,
      NOW,
      POLICY,
    );
    expect(bySupervisorHandler.ok).toBe(true);
    if (!bySupervisorHandler.ok) return;
    expect(
      transition(bySupervisorHandler.next, { action: 'approve_extension' }, supervisor, NOW, POLICY),
    ).toMatchObject({ ok: false, code: 'forbidden' });
    expect(
      transition(caseIn('in_progress'), { action: 'approve_extension' }, supervisor, NOW, POLICY),
    ).toMatchObject({ ok: false, code: 'invalid_transition' });
  });

  it.each([
    ['resolved', { action: 'resolve', note: '已修复', photos: ['p1'] as string[] }, worker],
    ['returned', { action: 'return', reason: 'not_my_grid' }, worker],
    ['voided', { action: 'void', reason: 'void', note: '重复登记' }, operator],
  ] as const)(
    'lapses once the case is %s, so it cannot stretch a later deadline',
    (_name, command, actor) => {
      const result = transition(requested(), command, actor, NOW, POLICY);
      expect(result).toMatchObject({ ok: true, next: { extensionRequest: null } });
    },
  );

  it('refuses a second request while one waits, and bad day counts', () => {
    const again = { action: 'request_extension', days: 1, reason: '再延' } as const;
    expect(transition(requested(), again, worker, NOW, POLICY)).toMatchObject({
      ok: false,
      code: 'invalid_transition',
    });
    for (const days of [0, 31, 1.5])
      expect(transition(caseIn('in_progress'), { ...again, days }, worker, NOW, POLICY)).toMatchObject({
        ok: false,
        code: 'validation_failed',
      });
    expect(transition(caseIn('in_progress'), again, otherWorker, NOW, POLICY)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
  });
});

describe('督办: supervise, lift, automatic on reopen', () => {
  it('records who, when and why, and refuses twice', () => {
    const result = transition(
      caseIn('dispatched'),
      { action: 'supervise', reason: '群众反复投诉' },
      supervisor,
      NOW,
      POLICY,
    );
    expect(result).toMatchObject({
      ok: true,
      next: { supervisedAt: NOW, supervisedById: 'sv1', supervisionReason: '群众反复投诉' },
    });
    if (!result.ok) return;
    expect(
      transition(result.next, { action: 'supervise', reason: 'again' }, supervisor, NOW, POLICY),
    ).toMatchObject({ ok: false, code: 'invalid_transition' });
    expect(transition(result.next, { action: 'unsupervise' }, supervisor, NOW, POLICY)).toMatchObject({
      ok: true,
      next: { supervisedAt: null, supervisedById: null, supervisionReason: null },
    });
  });

  it('needs a reason', () => {
    expect(
      transition(caseIn('dispatched'), { action: 'supervise', reason: '' }, supervisor, NOW, POLICY),
    ).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it.each([
    ['reopen', { action: 'reopen', note: '异味又出现' }],
    ['an unsolved callback', { action: 'feedback', satisfaction: 1, solved: false, comment: '没修好' }],
  ] as const)('%s puts the case under supervision by the platform', (_name, command) => {
    const result = transition(caseIn('verified'), command, supervisor, NOW, POLICY);
    expect(result).toMatchObject({
      ok: true,
      next: { state: 'reopened', supervisedAt: NOW, supervisedById: 'system', supervisionReason: 'reopened' },
    });
  });

  it('a reopen keeps an existing supervision as it was', () => {
    const supervised = { supervisedAt: NOW - 5, supervisedById: 'sv1', supervisionReason: '领导批示' };
    const result = transition(
      caseIn('closed', supervised),
      { action: 'reopen', note: '又坏了' },
      supervisor,
      NOW,
      POLICY,
    );
    expect(result).toMatchObject({ ok: true, next: supervised });
  });

  it('a supervised case is nagged at a shorter interval', () => {
    const sla = POLICY.sla!;
    expect(clockTiming(sla, true).repeatEveryMs).toBe(
      sla.repeatEveryMinutes * 60_000 * SUPERVISED_TIMING_FACTOR,
    );
    expect(SUPERVISED_TIMING_FACTOR).toBeLessThan(1);
    // Dispatched and told 3 minutes ago: a 5-minute repeat is not owed yet, the supervised 2.5-minute one is.
    const record = caseIn('dispatched', { lastNotifiedAt: NOW - 180_000, acceptDueAt: NOW + 3_600_000 });
    expect(dueClockActions(record, clockTiming(sla), NOW)).toEqual([]);
    expect(dueClockActions(record, clockTiming(sla, true), NOW)).toEqual([{ type: 'repeat' }]);
  });
});
