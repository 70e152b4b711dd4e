import {
  can,
  decodeTelemetry,
  parseDeviceTopic,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type User,
} from '@gridsense/core';
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { isSameOrigin } from '../auth/same-origin';
import { readSessionToken } from '../auth/session-cookie';
import { createSessionStore } from '../auth/session-store';
import type { WebDeps } from '../web-deps';

interface SocketData {
  user: User;
  /** The session that opened this socket; the socket closes when it ends. */
  sessionId: string;
  grids: string[];
}

type Readings = { deviceId: string; ts: number; metrics: Record<string, number | boolean> }[];

const gridRoom = (gridId: string) => `grid:${gridId}`;
const userRoom = (userId: string) => `user:${userId}`;
const LIVE_PREFIX = 'live:';
const liveRoom = (gridId: string) => `${LIVE_PREFIX}${gridId}`;
/** Each socket is in exactly one: whether its person may see a hotline case's caller. */
const CALLERS_SHOWN = 'callers:shown';
const CALLERS_HIDDEN = 'callers:hidden';
/** Where the grid id starts in `gs/v1/{gridId}/{deviceId}/telemetry`. */
const GRID_START = 'gs/v1/'.length;
/** How often open sockets are checked for sessions that went idle or expired. */
const SESSION_SWEEP_MS = 10_000;

/**
 * The only code that touches socket.io. Each person joins a room per user and per grid they may
 * see; domain events from the bus become socket events in those rooms.
 *
 * Every web node subscribes to the bus and receives every event itself, so each one emits only to
 * its own sockets (`io.local`): with the cluster adapter (`adapter`, decision 0014) a plain
 * `io.to(room)` would also reach the other nodes' sockets, which their own node already serves,
 * and a person would get each event once per node.
 */
export async function attachGateway(
  httpServer: HttpServer,
  deps: WebDeps,
  options: { adapter?: ServerOptions['adapter'] } = {},
) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    {
      ...(options.adapter ? { adapter: options.adapter } : {}),
      // Leave other upgrade paths (/mqtt, Node-RED's /flows/comms) to their own listeners.
      destroyUpgrade: false,
      serveClient: false,
      // Clients send only small events (grid ids); socket.io's default allows 1 MB a message.
      maxHttpBufferSize: 16 * 1024,
      connectTimeout: 10_000,
    },
  );

  const sessions = createSessionStore(deps);
  io.use((socket, next) => {
    // Everything here came from the network: an async function, so any throw becomes a refusal.
    const signIn = async () => {
      // The session cookie rides along with any page's WebSocket: only this console's may use it.
      const { origin, host } = socket.handshake.headers;
      if (!isSameOrigin(origin, host)) throw new Error('cross-site');
      const signedIn = await sessions.resolve(readSessionToken(socket.request));
      if (!signedIn || signedIn.passwordChangeRequired || signedIn.totpEnrolmentRequired)
        throw new Error('unauthenticated');
      socket.data.user = signedIn.user;
      socket.data.sessionId = signedIn.sessionId;
      socket.data.grids = await deps.cases.visibleGrids(signedIn.user);
    };
    signIn().then(
      () => next(),
      () => next(new Error('unauthenticated')),
    );
  });

  // Live readings, only for grids someone is watching, sent at most once a second per grid.
  const pending = new Map<string, Readings>();
  const onTelemetry = (topic: string, payload: Uint8Array) => {
    // Look at the grid part of the topic before parsing it (a feed may outlive its last watcher briefly).
    const gridEnd = topic.indexOf('/', GRID_START);
    if (gridEnd < 0 || !io.sockets.adapter.rooms.get(liveRoom(topic.slice(GRID_START, gridEnd)))?.size)
      return;
    const parsed = parseDeviceTopic(topic);
    if (!parsed) return;
    const device = deps.registry.get(parsed.deviceId);
    if (!device) return;
    const decoded = decodeTelemetry(
      payload,
      { deviceId: device.id, gridId: device.gridId, deviceType: device.type },
      deps.now(),
    );
    if (!decoded.ok) return;
    const list = pending.get(parsed.gridId) ?? [];
    for (const r of decoded.value) list.push({ deviceId: r.deviceId, ts: r.ts, metrics: r.metrics });
    pending.set(parsed.gridId, list);
  };
  // This node takes a grid's device traffic only while one of its sockets watches that grid: on a
  // broker cluster a subscription to every device topic would draw every node's readings here.
  const liveFeeds = new Map<string, Promise<() => Promise<void>>>();
  function liveFeed(gridId: string): Promise<unknown> {
    let feed = liveFeeds.get(gridId);
    if (!feed) {
      feed = deps.bus.subscribeTopic(`gs/v1/${gridId}/+/telemetry`, onTelemetry);
      liveFeeds.set(gridId, feed);
      // A failed subscription is not kept: the next watch tries again.
      feed.catch(() => liveFeeds.get(gridId) === feed && liveFeeds.delete(gridId));
    }
    return feed;
  }
  io.of('/').adapter.on('delete-room', (room: string) => {
    if (!room.startsWith(LIVE_PREFIX)) return;
    const gridId = room.slice(LIVE_PREFIX.length);
    const feed = liveFeeds.get(gridId);
    liveFeeds.delete(gridId);
    feed
      ?.then((unsubscribe) => unsubscribe())
      .catch((error: unknown) => deps.logger.warn({ err: error, gridId }, 'live feed unsubscribe failed'));
  });
  io.on('connection', (socket) => {
    const callers = can(socket.data.user, 'case.requesters') ? CALLERS_SHOWN : CALLERS_HIDDEN;
    void socket.join([userRoom(socket.data.user.id), ...socket.data.grids.map(gridRoom), callers]);
    // Clients may send any arity and types; the declared signatures are what a good client sends.
    socket.on('grid:watch', (...args: unknown[]) => {
      const [gridId, ack] = args;
      const reply =
        typeof ack === 'function' ? (ack as (r: { ok: boolean; error?: string }) => void) : () => {};
      if (typeof gridId !== 'string' || !socket.data.grids.includes(gridId))
        return reply({ ok: false, error: 'not_found' });
      void socket.join(liveRoom(gridId));
      // Acknowledged once this node receives the grid's readings: none after the ack is missed.
      liveFeed(gridId).then(
        () => reply({ ok: true }),
        (error: unknown) => {
          deps.logger.error({ err: error, gridId }, 'live feed subscription failed');
          reply({ ok: false, error: 'unavailable' });
        },
      );
    });
    socket.on('grid:unwatch', (...args: unknown[]) => {
      if (typeof args[0] === 'string') void socket.leave(liveRoom(args[0]));
    });
  });

  await deps.bus.subscribe('case.changed', async ({ caseId }) => {
    const view = await deps.cases.view(caseId);
    if (!view) return;
    // Its grid's room, and whoever leads, co-handles or reported it (a department handler is in no grid room).
    const people = [view.assigneeId, view.reporterId, ...view.coHandlerIds].filter(
      (id): id is string => id !== null,
    );
    const rooms = [gridRoom(view.gridId), ...people.map(userRoom)];
    if (!view.requester) return void io.local.to(rooms).emit('case:updated', view);
    // The masked caller, as over REST, only to those who may call back (`case.requesters`).
    io.local.to(rooms).except(CALLERS_HIDDEN).emit('case:updated', view);
    io.local
      .to(rooms)
      .except(CALLERS_SHOWN)
      .emit('case:updated', { ...view, requester: null });
  });

  // Signed out, disabled, password reset, role or scope changed: those sessions' sockets close.
  await deps.bus.subscribe('user.sessions_ended', async ({ userId, sessionIds }) => {
    for (const socket of await io.local.in(userRoom(userId)).fetchSockets())
      if (sessionIds.includes(socket.data.sessionId)) socket.disconnect(true);
  });
  // Sessions also end without an event, by going idle or reaching their lifetime.
  const sweep = setInterval(() => {
    const open = [...io.sockets.sockets.values()];
    sessions.liveIds([...new Set(open.map((socket) => socket.data.sessionId))]).then(
      (live) => {
        for (const socket of open) if (!live.has(socket.data.sessionId)) socket.disconnect(true);
      },
      (error: unknown) => deps.logger.error({ err: error }, 'session sweep failed'),
    );
  }, SESSION_SWEEP_MS);
  sweep.unref();

  // Grouped notices, each to its one person.
  await deps.bus.subscribe('case.notified', ({ userId, notice }) => {
    io.local.to(userRoom(userId)).emit('notification:new', notice);
  });

  await deps.bus.subscribe('device.status_changed', (update) => {
    io.local.to(gridRoom(update.gridId)).emit('device:status', update);
  });

  const timer = setInterval(() => {
    for (const [gridId, readings] of pending)
      io.local.to(liveRoom(gridId)).emit('device:readings', { gridId, readings });
    pending.clear();
  }, 1000);
  timer.unref();

  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        clearInterval(sweep);
        for (const feed of liveFeeds.values()) void feed.then((unsubscribe) => unsubscribe()).catch(() => {});
        liveFeeds.clear();
        void io.close(() => resolve());
      }),
  };
}
