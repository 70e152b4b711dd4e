import { transition, transitionSubtask } from '@gridsense/core';
import type { ApiText, CaseCommand, CaseRecord, CaseSubtask, SubtaskCommand, User } from '@gridsense/core';

/**
 * The phone's outbox: moves (签收, 到达, 办结) and patrol reports made while the network is gone,
 * kept on the phone and sent in the order they were made once it is back. Pure: the store
 * (`outbox.svelte.ts`) keeps the items in IndexedDB and does the sending; every decision about an
 * item (what goes next, what an answer means, what the worker sees) is made here.
 *
 * Nothing is dropped silently: an item ends `sent`, or `refused` with the server's reason (the
 * case was re-dispatched to someone else, resolved already), and stays listed until the worker
 * clears it. Each item carries its own Idempotency-Key, so sending it again after an answer was
 * lost gets the first answer back instead of making the move twice.
 */

export type OutboxState = 'queued' | 'sending' | 'sent' | 'refused';
export const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sending', 'sent', 'refused'];

/** A photo taken offline: the Blob sits in IndexedDB under `blobId` until it is uploaded. */
export interface HeldPhoto {
  blobId: string;
  /** Its `/api/photos/<id>` once uploaded (kept, so a retry does not upload it again). */
  url: string | null;
}

export type OutboxWork =
  | { kind: 'move'; caseId: string; caseTitle: string; command: CaseCommand }
  /** A patrol report (主动发现) as `POST /api/cases/reports` takes it, photos added on sending. */
  | { kind: 'report'; title: string; report: Record<string, unknown> & { photos: string[] } }
  /** A 协办 move (a co-handler's report back, with its photos) on one sub-task of a case. */
  | { kind: 'subtask'; caseId: string; caseTitle: string; subtaskId: number; command: SubtaskCommand };

/** Why the server refused an item, as it said it (`code`, its English message and its key). */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  text?: ApiText;
}

export interface OutboxItem {
  /** Also the Idempotency-Key: the same for every attempt. */
  key: string;
  userId: string;
  /** Order of making; items are sent in this order. */
  seq: number;
  work: OutboxWork;
  photos: HeldPhoto[];
  state: OutboxState;
  queuedAt: number;
  attempts: number;
  /** When the last attempt failed to reach the server (or the server was unavailable). */
  lastFailedAt: number | null;
  settledAt: number | null;
  refusal: Refusal | null;
  /** The case a sent item made or moved (a report's new or joined case). */
  caseId: string | null;
}

export function queueItem(
  items: readonly OutboxItem[],
  entry: { key: string; userId: string; work: OutboxWork; blobIds: readonly string[]; now: number },
): OutboxItem[] {
  const seq = items.reduce((max, item) => Math.max(max, item.seq), 0) + 1;
  const item: OutboxItem = {
    key: entry.key,
    userId: entry.userId,
    seq,
    work: entry.work,
    photos: entry.blobIds.map((blobId) => ({ blobId, url: null })),
    state: 'queued',
    queuedAt: entry.now,
    attempts: 0,
    lastFailedAt: null,
    settledAt: null,
    refusal: null,
    caseId: entry.work.kind === 'report' ? null : entry.work.caseId,
  };
  return [...items, item];
}

/** One person's items in the order they were made. */
export const itemsOf = (items: readonly OutboxItem[], userId: string): OutboxItem[] =>
  items.filter((item) => item.userId === userId).sort((a, b) => a.seq - b.seq);

/**
 * The item to send now: the person's first queued one, and none while one is on its way, so the
 * server receives them in order (an accept before the resolve it makes possible).
 */
export function nextToSend(items: readonly OutboxItem[], userId: string): OutboxItem | undefined {
  const mine = itemsOf(items, userId);
  if (mine.some((item) => item.state === 'sending')) return undefined;
  return mine.find((item) => item.state === 'queued');
}

/** A page closed while an item was on its way: it goes back to the queue (its key makes that safe). */
export const resumeInterrupted = (items: readonly OutboxItem[]): OutboxItem[] =>
  items.map((item): OutboxItem => (item.state === 'sending' ? { ...item, state: 'queued' } : item));

const update = (items: readonly OutboxItem[], key: string, change: (item: OutboxItem) => OutboxItem) =>
  items.map((item) => (item.key === key ? change(item) : item));

export const markSending = (items: readonly OutboxItem[], key: string): OutboxItem[] =>
  update(items, key, (item) => ({ ...item, state: 'sending', attempts: item.attempts + 1 }));

/** One held photo uploaded. */
export const recordUpload = (
  items: readonly OutboxItem[],
  key: string,
  blobId: string,
  url: string,
): OutboxItem[] =>
  update(items, key, (item) => ({
    ...item,
    photos: item.photos.map((photo) => (photo.blobId === blobId ? { ...photo, url } : photo)),
  }));

/**
 * What a failed attempt means. `retry`: nothing was decided (no network, the server busy or
 * down, too many requests), the item waits for the next round. `signin`: the session ended;
 * the item waits until the person signs in again. `refused`: the server decided against it
 * (re-dispatched, already resolved, no longer allowed, invalid) — sending it again would not
 * change that, so it stops and shows why.
 */
export type FailureMeaning = 'retry' | 'signin' | 'refused';

export function meaningOf(failure: Refusal): FailureMeaning {
  if (failure.code === 'network') return 'retry';
  if (failure.status === 401) return 'signin';
  if (failure.status === 429 || failure.status >= 500) return 'retry';
  // 409 "still running": the first attempt with this key has not answered yet.
  if (failure.code === 'conflict' && failure.text?.key === 'request.idempotencyKeyRunning') return 'retry';
  return 'refused';
}

export type SendResult = { ok: true; caseId: string | null } | { ok: false; failure: Refusal };

/** Applies an attempt's result to its item. */
export function settle(
  items: readonly OutboxItem[],
  key: string,
  result: SendResult,
  now: number,
): OutboxItem[] {
  return update(items, key, (item) => {
    if (result.ok)
      return { ...item, state: 'sent', settledAt: now, refusal: null, caseId: result.caseId ?? item.caseId };
    const meaning = meaningOf(result.failure);
    if (meaning === 'refused') return { ...item, state: 'refused', settledAt: now, refusal: result.failure };
    return { ...item, state: 'queued', lastFailedAt: now };
  });
}

/** The next round after failed attempts: 2 s, 4 s … up to a minute (and at once when the network returns). */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, Math.min(attempts, 10) - 1));
}

/** The worker clears an item they have seen settle; waiting items cannot be cleared by mistake. */
export const clearSettled = (items: readonly OutboxItem[], keys: readonly string[]): OutboxItem[] =>
  items.filter((item) => !(keys.includes(item.key) && (item.state === 'sent' || item.state === 'refused')));

/** Sent items are kept a day for the worker to see, then dropped; refused ones stay until cleared. */
export const dropOldSent = (items: readonly OutboxItem[], now: number): OutboxItem[] =>
  items.filter(
    (item) => !(item.state === 'sent' && item.settledAt !== null && now - item.settledAt > DAY_MS),
  );
const DAY_MS = 24 * 60 * 60 * 1000;

export function countByState(items: readonly OutboxItem[]): Record<OutboxState, number> {
  const counts: Record<OutboxState, number> = { queued: 0, sending: 0, sent: 0, refused: 0 };
  for (const item of items) counts[item.state]++;
  return counts;
}

/** The request body to send: the photos uploaded so far added to what was entered. */
export function bodyOf(item: OutboxItem): object {
  const uploaded = item.photos.map((photo) => photo.url).filter((url): url is string => url !== null);
  if (item.work.kind === 'report')
    return { ...item.work.report, photos: [...item.work.report.photos, ...uploaded] };
  const { command } = item.work;
  if (uploaded.length === 0) return command;
  // A case move or a 协办 report: the photos join those it already names.
  const earlier = 'photos' in command && Array.isArray(command.photos) ? command.photos : [];
  return { ...command, photos: [...earlier, ...uploaded] };
}

/**
 * A case as it will be once the person's waiting moves on it are made: each queued move is run
 * through core's `transition` (the server's own rules), so offline the worker may resolve a case
 * they accepted offline, and never sees a button the server would refuse. A move that would not
 * apply is skipped here; the server's answer will say why.
 */
export function projectCase<T extends CaseRecord>(
  record: T,
  items: readonly OutboxItem[],
  user: Pick<User, 'id' | 'role'>,
  now: number,
): T {
  let current: T = record;
  for (const item of items) {
    if (item.work.kind !== 'move' || item.work.caseId !== record.id) continue;
    if (item.state !== 'queued' && item.state !== 'sending') continue;
    // Held photos stand in as placeholders: what counts for the rules is that there are some.
    const command = bodyOf({
      ...item,
      photos: item.photos.map((photo) => ({ ...photo, url: photo.url ?? `held:${photo.blobId}` })),
    }) as CaseCommand;
    const result = transition(current, command, { id: user.id, role: user.role }, now);
    if (result.ok) current = { ...current, ...result.next };
  }
  return current;
}

/** The moves still waiting for a case, for its card to say so. */
export const waitingMoves = (items: readonly OutboxItem[], caseId: string): OutboxItem[] =>
  items.filter(
    (item) =>
      item.work.kind === 'move' &&
      item.work.caseId === caseId &&
      (item.state === 'queued' || item.state === 'sending'),
  );

/** The 协办 moves still waiting for one sub-task, for its entry to say so. */
export const waitingSubtaskMoves = (items: readonly OutboxItem[], subtaskId: number): OutboxItem[] =>
  items.filter(
    (item) =>
      item.work.kind === 'subtask' &&
      item.work.subtaskId === subtaskId &&
      (item.state === 'queued' || item.state === 'sending'),
  );

/**
 * A sub-task as it will be once the person's waiting 协办 moves on it are made, through core's
 * `transitionSubtask` as `projectCase` does for cases: a co-handler who accepted offline may
 * report offline too. The server still decides.
 */
export function projectSubtask<T extends CaseSubtask>(
  subtask: T,
  items: readonly OutboxItem[],
  user: Pick<User, 'id' | 'role'>,
  now: number,
): T {
  let current: T = subtask;
  for (const item of waitingSubtaskMoves(items, subtask.id)) {
    if (item.work.kind !== 'subtask') continue;
    const command = bodyOf(item) as SubtaskCommand;
    const result = transitionSubtask(
      current,
      command,
      { id: user.id, role: user.role, leadsCase: false },
      now,
    );
    if (result.ok) current = { ...current, ...result.next };
  }
  return current;
}
