import type {
  CaseCommand,
  CaseRecord,
  CaseSubtask,
  CaseSubtaskView,
  CaseView,
  SubtaskCommand,
  User,
} from '@gridsense/core';
import { api, ApiError, request } from './api';
import { caseStore } from './case-store.svelte';
import { keepsOfflineCopies } from './offline-copies';
import { deleteOne, offlineStoreAvailable, readAll, readOne, writeOne } from './offline-db';
import {
  bodyOf,
  clearSettled,
  countByState,
  dropOldSent,
  itemsOf,
  markSending,
  nextToSend,
  projectCase,
  projectSubtask,
  queueItem,
  recordUpload,
  resumeInterrupted,
  retryDelayMs,
  settle,
  waitingMoves,
  waitingSubtaskMoves,
  type OutboxItem,
  type OutboxWork,
  type SendResult,
} from './outbox';

/** A fresh Idempotency-Key (getRandomValues works on plain-http LAN pages too, randomUUID does not). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A photo that could not be held on the phone before it was sent. */
const PHOTO_MISSING = { status: 0, code: 'photo_missing', message: 'the photo is no longer on this phone' };

/**
 * The outbox on this phone (pure rules in `outbox.ts`): items kept in IndexedDB, sent one at a
 * time in order whenever the network is there: at start, when the browser says it is back
 * online, after each made item, and on a backing-off timer while attempts fail.
 */
class Outbox {
  items = $state.raw<OutboxItem[]>([]);
  user = $state.raw<Pick<User, 'id' | 'role'> | null>(null);
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  mine = $derived(this.user ? itemsOf(this.items, this.user.id) : []);
  counts = $derived(countByState(this.mine));
  #draining = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopWatching: (() => void) | null = null;

  /** Loads the person's items and starts sending; returns the function that stops it. */
  start(user: Pick<User, 'id' | 'role'>): () => void {
    this.user = user;
    const onOnline = () => {
      this.online = true;
      void this.drain().then(() => caseStore.refresh());
    };
    const onOffline = () => (this.online = false);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    this.#stopWatching = () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    };
    void this.#load().then(() => this.drain());
    return () => this.stop();
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = null;
    clearTimeout(this.#timer);
    this.user = null;
    this.items = [];
  }

  async #load(): Promise<void> {
    if (!offlineStoreAvailable()) return;
    try {
      const stored = await readAll<OutboxItem>('outbox');
      const kept = dropOldSent(resumeInterrupted(stored), Date.now());
      for (const item of stored) if (!kept.some((k) => k.key === item.key)) await this.#forget(item);
      this.items = kept;
    } catch (error) {
      console.warn('the outbox could not be read', error);
    }
  }

  async #save(key: string): Promise<void> {
    const item = this.items.find((candidate) => candidate.key === key);
    if (item && offlineStoreAvailable()) await writeOne('outbox', $state.snapshot(item));
  }

  async #forget(item: OutboxItem): Promise<void> {
    await deleteOne('outbox', item.key);
    for (const photo of item.photos) await deleteOne('photos', photo.blobId);
  }

  /** Queues work made now (its photos as Blobs) under `key`, and tries to send at once. */
  async add(work: OutboxWork, photos: readonly Blob[], key = newKey()): Promise<void> {
    const user = this.user;
    if (!user) throw new Error('nobody is signed in');
    const blobIds = photos.map((_, index) => `${key}-${index}`);
    for (const [index, photo] of photos.entries()) await writeOne('photos', photo, blobIds[index]);
    this.items = queueItem(this.items, { key, userId: user.id, work, blobIds, now: Date.now() });
    await this.#save(key);
    void this.drain();
  }

  /** Whether a new move must go behind waiting ones (so they reach the server in order). */
  get waiting(): boolean {
    return this.counts.queued + this.counts.sending > 0;
  }

  /** Sends waiting items in order until one cannot be sent now. */
  async drain(): Promise<void> {
    if (this.#draining || !this.user) return;
    this.#draining = true;
    clearTimeout(this.#timer);
    try {
      for (;;) {
        const user = this.user;
        if (!user || !navigator.onLine) return;
        const next = nextToSend(this.items, user.id);
        if (!next) return;
        this.items = markSending(this.items, next.key);
        await this.#save(next.key);
        const result = await this.#send(next.key);
        this.items = settle(this.items, next.key, result, Date.now());
        await this.#save(next.key);
        const settled = this.items.find((item) => item.key === next.key);
        if (settled?.state === 'sent')
          for (const photo of settled.photos) await deleteOne('photos', photo.blobId);
        if (settled?.state === 'queued') {
          // Not decided (no network, server busy, signed out): try again later, in the same order.
          this.#timer = setTimeout(() => void this.drain(), retryDelayMs(settled.attempts));
          return;
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #send(key: string): Promise<SendResult> {
    try {
      for (const photo of this.items.find((item) => item.key === key)?.photos ?? []) {
        if (photo.url) continue;
        const blob = await readOne<Blob>('photos', photo.blobId);
        if (!blob) return { ok: false, failure: PHOTO_MISSING };
        const { url } = await api.uploadPhoto(blob);
        this.items = recordUpload(this.items, key, photo.blobId, url);
        await this.#save(key);
      }
      const item = this.items.find((candidate) => candidate.key === key)!;
      const headers = { 'Idempotency-Key': item.key };
      if (item.work.kind === 'move') {
        const view = await request<CaseView>(
          'POST',
          `/api/cases/${encodeURIComponent(item.work.caseId)}/actions`,
          bodyOf(item),
          false,
          headers,
        );
        caseStore.upsert(view);
        return { ok: true, caseId: view.id };
      }
      if (item.work.kind === 'subtask') {
        const { caseId, subtaskId } = item.work;
        await request<CaseSubtaskView[]>(
          'POST',
          `/api/cases/${encodeURIComponent(caseId)}/subtasks/${subtaskId}/actions`,
          bodyOf(item),
          false,
          headers,
        );
        return { ok: true, caseId };
      }
      const outcome = await request<{ caseId: string; case?: CaseView }>(
        'POST',
        '/api/cases/reports',
        bodyOf(item),
        false,
        headers,
      );
      if (outcome.case) caseStore.upsert(outcome.case);
      return { ok: true, caseId: outcome.caseId };
    } catch (error) {
      if (error instanceof ApiError)
        return {
          ok: false,
          failure: { status: error.status, code: error.code, message: error.message, text: error.text },
        };
      return { ok: false, failure: { status: 0, code: 'network', message: String(error) } };
    }
  }

  /** Sends now (the worker tapped "send now"): waiting items are tried at once. */
  retryNow(): void {
    void this.drain();
  }

  /** Removes settled items the worker has seen. */
  async clear(keys: readonly string[]): Promise<void> {
    const before = this.items;
    this.items = clearSettled(before, keys);
    for (const item of before)
      if (!this.items.includes(item) && offlineStoreAvailable()) await this.#forget(item);
  }

  /** The case as it will be once this person's waiting moves on it are made. */
  project<T extends CaseRecord>(record: T): T {
    return this.user ? projectCase(record, this.mine, this.user, Date.now()) : record;
  }

  waitingFor(caseId: string): OutboxItem[] {
    return waitingMoves(this.mine, caseId);
  }

  waitingForSubtask(subtaskId: number): OutboxItem[] {
    return waitingSubtaskMoves(this.mine, subtaskId);
  }

  /** A sub-task as it will be once this person's waiting 协办 moves on it are made. */
  projectSubtask<T extends CaseSubtask>(subtask: T): T {
    return this.user ? projectSubtask(subtask, this.mine, this.user, Date.now()) : subtask;
  }
}

export const outbox = new Outbox();

/**
 * Makes a case move: straight to the server when the network is there and nothing waits before
 * it, otherwise (a field worker's phone) into the outbox. Photos held offline (Blobs) always go through the
 * outbox, which uploads them first. A move that got no answer is queued under the same key: had
 * the server made it, the replay gets its answer back.
 */
export async function submitMove(
  view: Pick<CaseView, 'id' | 'title'>,
  command: CaseCommand,
  heldPhotos: readonly Blob[] = [],
): Promise<'sent' | 'queued'> {
  const key = newKey();
  // The command centre works online: its moves are never queued (a failure shows at once).
  const queueable = outbox.user !== null && keepsOfflineCopies(outbox.user);
  if (heldPhotos.length === 0 && (!queueable || (navigator.onLine && !outbox.waiting))) {
    try {
      caseStore.upsert(await api.act(view.id, command, key));
      return 'sent';
    } catch (error) {
      if (!queueable || !(error instanceof ApiError && error.code === 'network')) throw error;
    }
  }
  await outbox.add({ kind: 'move', caseId: view.id, caseTitle: view.title, command }, heldPhotos, key);
  return 'queued';
}

/**
 * A co-handler's 协办 move (the report back, with photos) as `submitMove` makes a case move:
 * straight to the server when it can, otherwise into the outbox under the same key. Photos taken
 * offline go through the outbox, which uploads them first. Answers the sub-tasks when sent.
 */
export async function submitSubtaskMove(
  view: Pick<CaseView, 'id' | 'title'>,
  subtaskId: number,
  command: SubtaskCommand,
  heldPhotos: readonly Blob[] = [],
): Promise<{ how: 'sent'; subtasks: CaseSubtaskView[] } | { how: 'queued' }> {
  const key = newKey();
  const queueable = outbox.user !== null && keepsOfflineCopies(outbox.user);
  if (heldPhotos.length === 0 && (!queueable || (navigator.onLine && !outbox.waiting))) {
    try {
      const path = `/api/cases/${encodeURIComponent(view.id)}/subtasks/${subtaskId}/actions`;
      const subtasks = await request<CaseSubtaskView[]>('POST', path, command, false, {
        'Idempotency-Key': key,
      });
      return { how: 'sent', subtasks };
    } catch (error) {
      if (!queueable || !(error instanceof ApiError && error.code === 'network')) throw error;
    }
  }
  const work = { kind: 'subtask', caseId: view.id, caseTitle: view.title, subtaskId, command } as const;
  await outbox.add(work, heldPhotos, key);
  return { how: 'queued' };
}
