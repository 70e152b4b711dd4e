import {
  decodeTelemetry,
  parseDeviceTopic,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type User,
} from '@gridsense/core';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { readToken, userFromToken } from '../auth/authenticate';
import type { WebDeps } from '../web-deps';

interface SocketData {
  user: User;
  grids: string[];
}

type Readings = { deviceId: string; ts: number; metrics: Record<string, number | boolean> }[];

const gridRoom = (gridId: string) => `grid:${gridId}`;
const userRoom = (userId: string) => `user:${userId}`;
const liveRoom = (gridId: string) => `live:${gridId}`;
/** Where the grid id starts in `gs/v1/{gridId}/{deviceId}/telemetry`. */
const GRID_START = 'gs/v1/'.length;

/**
 * The only code that touches socket.io. Each person joins a room per user and per grid they may
 * see; domain events from the bus become socket events in those rooms.
 */
export async function attachGateway(httpServer: HttpServer, deps: WebDeps) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    {
      // Leave other upgrade paths (/mqtt, Node-RED's /flows/comms) to their own listeners.
      destroyUpgrade: false,
      serveClient: false,
      // Clients send only small events (grid ids); socket.io's default allows 1 MB a message.
      maxHttpBufferSize: 16 * 1024,
      connectTimeout: 10_000,
    },
  );

  io.use((socket, next) => {
    // Everything here came from the network: an async function, so any throw becomes a refusal.
    const signIn = async () => {
      const auth: unknown = socket.handshake.auth;
      const offered = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
      const token = typeof offered === 'string' ? offered : readToken(socket.request);
      const user = await userFromToken(deps.db, deps.tokens, token, deps.now());
      socket.data.user = user;
      socket.data.grids = await deps.cases.visibleGrids(user);
    };
    signIn().then(
      () => next(),
      () => next(new Error('unauthenticated')),
    );
  });

  io.on('connection', (socket) => {
    void socket.join([userRoom(socket.data.user.id), ...socket.data.grids.map(gridRoom)]);
    // Clients may send any arity and types; the declared signatures are what a good client sends.
    socket.on('grid:watch', (...args: unknown[]) => {
      const [gridId, ack] = args;
      const reply = typeof ack === 'function' ? (ack as (r: { ok: boolean; error?: string }) => void) : () => {};
      if (typeof gridId !== 'string' || !socket.data.grids.includes(gridId))
        return reply({ ok: false, error: 'not_found' });
      void socket.join(liveRoom(gridId));
      reply({ ok: true });
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
    io.to([gridRoom(view.gridId), ...people.map(userRoom)]).emit('case:updated', view);
  });

  // Grouped notices, each to its one person.
  await deps.bus.subscribe('case.notified', ({ userId, notice }) => {
    io.to(userRoom(userId)).emit('notification:new', notice);
  });

  await deps.bus.subscribe('device.status_changed', (update) => {
    io.to(gridRoom(update.gridId)).emit('device:status', update);
  });

  // Live readings, only for grids someone is watching, sent at most once a second per grid.
  const pending = new Map<string, Readings>();
  await deps.bus.subscribeTopic('gs/v1/+/+/telemetry', (topic, payload) => {
    // Every device message passes here: look at the grid part of the topic before parsing it.
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
  });
  const timer = setInterval(() => {
    for (const [gridId, readings] of pending)
      io.to(liveRoom(gridId)).emit('device:readings', { gridId, readings });
    pending.clear();
  }, 1000);
  timer.unref();

  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        void io.close(() => resolve());
      }),
  };
}
