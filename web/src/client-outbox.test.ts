import type { CaseCommand } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { caseIn, NOW } from '../../core/src/case-test-fixture';
import {
  bodyOf,
  clearSettled,
  countByState,
  dropOldSent,
  markSending,
  meaningOf,
  nextToSend,
  projectCase,
  queueItem,
  recordUpload,
  resumeInterrupted,
  retryDelayMs,
  settle,
  waitingMoves,
  type OutboxItem,
  type OutboxWork,
  type Refusal,
} from '../client/src/lib/outbox';

/** The phone's outbox: order, what an answer means, held photos, and the case as it will be. */

const worker = { id: 'w1', role: 'grid_worker' as const };
const DAY = 24 * 60 * 60 * 1000;

const move = (caseId: string, command: CaseCommand): OutboxWork => ({
  kind: 'move',
  caseId,
  caseTitle: `case ${caseId}`,
  command,
});

function queue(
  ...entries: [key: string, work: OutboxWork, blobIds?: string[], userId?: string][]
): OutboxItem[] {
  return entries.reduce<OutboxItem[]>(
    (items, [key, work, blobIds = [], userId = 'w1']) =>
      queueItem(items, { key, userId, work, blobIds, now: NOW }),
    [],
  );
}

const refusal = (status: number, code: string, message = 'no'): Refusal => ({ status, code, message });

describe('what a failed attempt means', () => {
  it.each<[string, Refusal, ReturnType<typeof meaningOf>]>([
    ['no network', refusal(0, 'network'), 'retry'],
    ['server error', refusal(500, 'internal_error'), 'retry'],
    ['server unavailable', refusal(503, 'unavailable'), 'retry'],
    ['too many requests', refusal(429, 'too_many_requests'), 'retry'],
    [
      'the first attempt with this key still runs',
      {
        ...refusal(409, 'conflict', 'a request with this Idempotency-Key is still running'),
        text: { key: 'request.idempotencyKeyRunning' },
      },
      'retry',
    ],
    ['signed out', refusal(401, 'unauthenticated'), 'signin'],
    [
      're-dispatched to someone else',
      refusal(403, 'forbidden', 'grid_worker may not accept this case'),
      'refused',
    ],
    ['already resolved', refusal(409, 'invalid_transition', 'cannot resolve a resolved case'), 'refused'],
    ['another conflict', refusal(409, 'conflict', 'the case changed'), 'refused'],
    ['gone', refusal(404, 'not_found'), 'refused'],
    ['invalid', refusal(400, 'validation_failed'), 'refused'],
    ['a photo lost on the phone', refusal(0, 'photo_missing'), 'refused'],
  ])('%s → %s', (_name, failure, meaning) => {
    expect(meaningOf(failure)).toBe(meaning);
  });
});

describe('sending in order', () => {
  it('numbers items in the order made and sends the first waiting one', () => {
    const items = queue(['a', move('c-1', { action: 'accept' })], ['b', move('c-1', { action: 'arrive' })]);
    expect(items.map((item) => [item.key, item.seq, item.state])).toEqual([
      ['a', 1, 'queued'],
      ['b', 2, 'queued'],
    ]);
    expect(nextToSend(items, 'w1')?.key).toBe('a');
  });

  it('sends nothing while one is on its way, and only the signed-in person’s items', () => {
    const items = queue(
      ['a', move('c-1', { action: 'accept' })],
      ['x', move('c-9', { action: 'accept' }), [], 'w2'],
    );
    const sending = markSending(items, 'a');
    expect(sending[0]).toMatchObject({ state: 'sending', attempts: 1 });
    expect(nextToSend(sending, 'w1')).toBeUndefined();
    expect(nextToSend(sending, 'w2')?.key).toBe('x');
  });

  it('a refused item does not block the ones after it; a retry keeps the order', () => {
    let items = queue(['a', move('c-1', { action: 'accept' })], ['b', move('c-2', { action: 'accept' })]);
    items = settle(markSending(items, 'a'), 'a', { ok: false, failure: refusal(0, 'network') }, NOW + 1);
    expect(items[0]).toMatchObject({ state: 'queued', lastFailedAt: NOW + 1, attempts: 1 });
    expect(nextToSend(items, 'w1')?.key).toBe('a');
    const reason = refusal(403, 'forbidden', 'grid_worker may not accept this case');
    items = settle(markSending(items, 'a'), 'a', { ok: false, failure: reason }, NOW + 2);
    expect(items[0]).toMatchObject({ state: 'refused', refusal: reason, settledAt: NOW + 2, attempts: 2 });
    expect(nextToSend(items, 'w1')?.key).toBe('b');
  });

  it('a signed-out attempt waits in the queue without counting as refused', () => {
    const items = settle(
      markSending(queue(['a', move('c-1', { action: 'accept' })]), 'a'),
      'a',
      { ok: false, failure: refusal(401, 'unauthenticated') },
      NOW,
    );
    expect(items[0]).toMatchObject({ state: 'queued', refusal: null });
  });

  it('a sent report remembers the case it opened', () => {
    const report: OutboxWork = { kind: 'report', title: '积水', report: { title: '积水', photos: [] } };
    const items = settle(markSending(queue(['r', report]), 'r'), 'r', { ok: true, caseId: 'c-77' }, NOW);
    expect(items[0]).toMatchObject({ state: 'sent', caseId: 'c-77', settledAt: NOW });
  });

  it('an item that was on its way when the page closed goes back to the queue', () => {
    const items = resumeInterrupted(markSending(queue(['a', move('c-1', { action: 'accept' })]), 'a'));
    expect(items[0]!.state).toBe('queued');
  });

  it('backs off from 2 s to at most a minute', () => {
    expect([0, 1, 2, 3, 5, 6, 20].map(retryDelayMs)).toEqual([
      2_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000,
    ]);
  });
});

describe('held photos', () => {
  it('adds each uploaded photo to the command, after those uploaded before', () => {
    let items = queue([
      'r1',
      move('c-1', { action: 'resolve', note: '已清理', photos: ['/api/photos/a.jpg'] }),
      ['p1', 'p2'],
    ]);
    expect(bodyOf(items[0]!)).toEqual({ action: 'resolve', note: '已清理', photos: ['/api/photos/a.jpg'] });
    items = recordUpload(items, 'r1', 'p2', '/api/photos/c.jpg');
    items = recordUpload(items, 'r1', 'p1', '/api/photos/b.jpg');
    expect(bodyOf(items[0]!)).toEqual({
      action: 'resolve',
      note: '已清理',
      photos: ['/api/photos/a.jpg', '/api/photos/b.jpg', '/api/photos/c.jpg'],
    });
  });

  it('a move without photos goes as it was made; a report gets its photos', () => {
    expect(bodyOf(queue(['a', move('c-1', { action: 'accept' })])[0]!)).toEqual({ action: 'accept' });
    const report: OutboxWork = { kind: 'report', title: '积水', report: { title: '积水', photos: [] } };
    const items = recordUpload(queue(['r', report, ['p1']]), 'r', 'p1', '/api/photos/x.jpg');
    expect(bodyOf(items[0]!)).toEqual({ title: '积水', photos: ['/api/photos/x.jpg'] });
  });
});

describe('counts and clearing', () => {
  it('counts per state, clears only settled items, and drops sent ones after a day', () => {
    let items = queue(
      ['a', move('c-1', { action: 'accept' })],
      ['b', move('c-2', { action: 'accept' })],
      ['c', move('c-3', { action: 'accept' })],
    );
    items = settle(items, 'a', { ok: true, caseId: 'c-1' }, NOW);
    items = settle(items, 'b', { ok: false, failure: refusal(409, 'invalid_transition') }, NOW);
    expect(countByState(items)).toEqual({ queued: 1, sending: 0, sent: 1, refused: 1 });
    expect(clearSettled(items, ['a', 'b', 'c']).map((item) => item.key)).toEqual(['c']);
    expect(dropOldSent(items, NOW + DAY - 1).map((item) => item.key)).toEqual(['a', 'b', 'c']);
    // Refused items stay until the worker has seen and cleared them.
    expect(dropOldSent(items, NOW + DAY + 1).map((item) => item.key)).toEqual(['b', 'c']);
  });
});

describe('the case as it will be', () => {
  const dispatched = caseIn('dispatched', { id: 'c-1', assigneeId: 'w1', category: 'city_appearance' });

  it('applies waiting moves through the state machine: accepted, then resolved', () => {
    const items = queue(
      ['a', move('c-1', { action: 'accept' })],
      ['r', move('c-1', { action: 'resolve', note: '已清理', photos: [] }), ['p1']],
    );
    expect(projectCase(dispatched, items.slice(0, 1), worker, NOW).state).toBe('accepted');
    expect(projectCase(dispatched, items, worker, NOW).state).toBe('resolved');
  });

  it('held photos count for a case that needs a photo to be resolved', () => {
    const safety = caseIn('accepted', { id: 'c-1', assigneeId: 'w1', category: 'gas_safety' });
    const held = queue(['r', move('c-1', { action: 'resolve', note: '已处置', photos: [] }), ['p1']]);
    expect(projectCase(safety, held, worker, NOW).state).toBe('resolved');
    const none = queue(['r', move('c-1', { action: 'resolve', note: '已处置', photos: [] })]);
    expect(projectCase(safety, none, worker, NOW).state).toBe('accepted');
  });

  it('skips moves that would not apply, other cases’ moves and settled items', () => {
    const reassigned = { ...dispatched, assigneeId: 'w2' };
    const items = queue(['a', move('c-1', { action: 'accept' })], ['z', move('c-2', { action: 'accept' })]);
    expect(projectCase(reassigned, items, worker, NOW).state).toBe('dispatched');
    const sent = settle(items, 'a', { ok: true, caseId: 'c-1' }, NOW);
    expect(projectCase(dispatched, sent, worker, NOW).state).toBe('dispatched');
    expect(waitingMoves(sent, 'c-1')).toEqual([]);
    expect(waitingMoves(items, 'c-1').map((item) => item.key)).toEqual(['a']);
  });
});
