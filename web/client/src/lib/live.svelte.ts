import { io, type Socket } from 'socket.io-client';
import type { CaseView, ClientToServerEvents, ServerToClientEvents, User } from '@gridsense/core';
import { beep, notify } from './alerting.svelte';
import { caseStore } from './case-store.svelte';
import { clearNotices, loadNotices, receiveNotice } from './notices.svelte';
import { overview } from './overview-store.svelte';
import { caseHref } from './routes';
import { navigate } from './router.svelte';
import { showToast } from './toasts.svelte';
import { t } from '../i18n/index.svelte';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type LiveStatus = 'connecting' | 'online' | 'offline';

/**
 * `lostAt`: when a connection that was up went down (null while online or before the first
 * connection): what is on screen is as of then, and the console says so.
 */
export const live = $state<{ status: LiveStatus; lostAt: number | null }>({
  status: 'offline',
  lostAt: null,
});
/** Grids the server has confirmed it sends live readings of (a view may show that it is live). */
export const liveGrids = $state<{ following: string[] }>({ following: [] });

let socket: LiveSocket | null = null;
/** Grids whose readings are wanted, once per watcher; re-sent after a reconnect (rooms do not survive it). */
let watched: string[] = [];

/**
 * Opens the socket for this session (the session cookie signs it in); returns the function that
 * closes it. When the server closes it (the session ended: signed out elsewhere, disabled, a new
 * password or role), `stillSignedIn` asks the server; the socket opens again only if it says yes.
 */
export function connectLive(user: User, stillSignedIn: () => Promise<boolean>): () => void {
  const current: LiveSocket = io();
  socket = current;
  live.status = 'connecting';

  current.on('connect', () => {
    live.status = 'online';
    live.lostAt = null;
    loadNotices().catch((error: unknown) => console.warn('notices could not be loaded', error));
    const grids = watched.filter((id, index) => watched.indexOf(id) === index);
    for (const gridId of grids) emitWatch(current, gridId);
    // Anything pushed while we were away is gone, and so is anything pushed after a page loaded
    // its data but before this first connection joined its rooms (a device falling overdue is
    // told once): fetch what was loaded again. Each is a no-op for a store not loaded yet.
    void caseStore.refresh();
    overview.scheduleRefresh();
    for (const listener of connectListeners) listener();
  });
  current.on('disconnect', (reason) => {
    if (reason === 'io server disconnect')
      void stillSignedIn().then((yes) => {
        if (yes && socket === current) current.connect();
      });
    live.status = current.active ? 'connecting' : 'offline';
    live.lostAt ??= Date.now();
    liveGrids.following = []; // rooms do not survive a reconnect; each watch is confirmed again
  });
  current.on('connect_error', () => {
    live.status = current.active ? 'connecting' : 'offline';
    live.lostAt ??= Date.now(); // what the page loaded is all there is until it connects
  });
  current.on('case:updated', (view) => onCaseUpdated(view, user));
  current.on('notification:new', receiveNotice);
  current.on('device:status', (update) => {
    overview.applyStatus(update);
    for (const listener of listeners['device:status']) listener(update);
  });
  current.on('device:readings', (update) => {
    overview.applyReadings(update);
    for (const listener of listeners['device:readings']) listener(update);
  });

  return () => {
    current.disconnect();
    if (socket === current) socket = null;
    live.status = 'offline';
    live.lostAt = null;
    clearNotices();
  };
}

/** Opens the live connection again after signing in again in place (the server had closed it). */
export function resumeLive(): void {
  if (socket && !socket.connected && !socket.active) socket.connect();
}

let connectListeners: (() => void)[] = [];

/**
 * Hear each time the live connection is made (the first time too): a view holding state of its
 * own that pushes keep current fetches it again, since pushes made meanwhile are not repeated.
 * Returns the unsubscribe.
 */
export function onLiveConnect(listener: () => void): () => void {
  connectListeners = [...connectListeners, listener];
  return () => {
    connectListeners = connectListeners.filter((other) => other !== listener);
  };
}

type DeviceEvent = 'device:status' | 'device:readings';
const listeners: { [E in DeviceEvent]: Set<ServerToClientEvents[E]> } = {
  'device:status': new Set(),
  'device:readings': new Set(),
};

/** Hear device pushes while a view is open (readings arrive only for watched grids); returns the unsubscribe. */
export function onDeviceEvent<E extends DeviceEvent>(
  event: E,
  listener: ServerToClientEvents[E],
): () => void {
  const set = listeners[event] as Set<ServerToClientEvents[E]>;
  set.add(listener);
  return () => set.delete(listener);
}

/** Follow one grid's live readings until the returned function is called. */
export function watchGrid(gridId: string): () => void {
  const already = watched.includes(gridId);
  watched = [...watched, gridId];
  if (!already && socket?.connected) emitWatch(socket, gridId);
  return () => {
    const index = watched.indexOf(gridId);
    if (index !== -1) watched = watched.toSpliced(index, 1);
    if (watched.includes(gridId)) return; // another view still follows it
    liveGrids.following = liveGrids.following.filter((id) => id !== gridId);
    if (socket?.connected) socket.emit('grid:unwatch', gridId);
  };
}

function emitWatch(target: LiveSocket, gridId: string): void {
  target.emit('grid:watch', gridId, (result) => {
    if (!result.ok) console.warn(`grid:watch ${gridId} refused: ${result.error ?? 'unknown'}`);
    else if (watched.includes(gridId) && !liveGrids.following.includes(gridId))
      liveGrids.following = [...liveGrids.following, gridId];
  });
}

const DISPATCHER_ROLES: readonly User['role'][] = ['operator', 'supervisor', 'admin'];

function onCaseUpdated(view: CaseView, user: User): void {
  const known = caseStore.scope !== null;
  const previous = caseStore.upsert(view);
  overview.scheduleRefresh();

  const href = caseHref(view.id);
  const assignedToMe = (c: CaseView | undefined): boolean =>
    c?.assigneeId === user.id && c.state === 'dispatched';
  if (assignedToMe(view) && !assignedToMe(previous)) {
    const title = t('toast.assigned', { title: view.title });
    beep();
    notify(title, `${view.gridName} · ${t(`severity.${view.severity}`)}`, () => navigate(href));
    showToast({ tone: 'alert', text: title, href });
  } else if (known && !previous && DISPATCHER_ROLES.includes(user.role)) {
    const critical = view.severity === 'critical';
    const text = t('toast.newCase', { title: view.title });
    showToast({ tone: critical ? 'alert' : 'info', text, href });
    // A dispatcher hears a new critical case even with the console in another tab.
    if (critical) {
      beep();
      notify(text, `${view.gridName} · ${t('severity.critical')}`, () => navigate(href));
    }
  }
}
