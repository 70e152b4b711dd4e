import net, { type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guardConnections, type ConnectionGuard } from './connection-guard';

/**
 * A real TCP server behind the guard; the server greets every socket it gets to keep. Clients
 * come from different loopback addresses (127.0.0.2, .3 …) to stand for different peers.
 */
let server: Server | undefined;
const sockets: Socket[] = [];
let clock = 1_000_000;
const now = () => clock;

async function guarded(limits: {
  connectionsPerAddress: number;
  connectionsTotal: number;
  connectionsPerSecond: number;
}): Promise<{ guard: ConnectionGuard; port: number }> {
  server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    if (!socket.destroyed) socket.write('hi');
  });
  const guard = guardConnections(server, limits, now);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { guard, port: typeof address === 'object' && address ? address.port : 0 };
}

/** Opens a connection from `from`: true once greeted (kept), false when closed unanswered (refused). */
function connect(port: number, from: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    sockets.push(socket);
    socket.once('data', () => resolve(true));
    socket.once('close', () => resolve(false));
    socket.on('error', () => socket.destroy());
  });
}

/** Closes our side and waits until the server has counted the close. */
async function closeOne(guard: ConnectionGuard): Promise<void> {
  const open = guard.open();
  sockets.shift()?.destroy();
  while (guard.open() >= open) await new Promise((resolve) => setTimeout(resolve, 5));
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  vi.useRealTimers();
});

describe('guardConnections', () => {
  it('refuses an address past its open-connection cap, and takes it again once one closes', async () => {
    const { guard, port } = await guarded({
      connectionsPerAddress: 2,
      connectionsTotal: 100,
      connectionsPerSecond: 100,
    });
    expect(await connect(port, '127.0.0.2')).toBe(true);
    expect(await connect(port, '127.0.0.2')).toBe(true);
    expect(await connect(port, '127.0.0.2')).toBe(false);
    expect(await connect(port, '127.0.0.3')).toBe(true); // Another address is not held back.
    expect(guard.refused).toEqual({ per_address: 1, total: 0, rate: 0 });

    await closeOne(guard);
    expect(await connect(port, '127.0.0.2')).toBe(true);
    expect(guard.open()).toBe(3);
  });

  it('refuses anyone once the server holds its total', async () => {
    const { guard, port } = await guarded({
      connectionsPerAddress: 10,
      connectionsTotal: 2,
      connectionsPerSecond: 100,
    });
    expect(await connect(port, '127.0.0.2')).toBe(true);
    expect(await connect(port, '127.0.0.3')).toBe(true);
    expect(await connect(port, '127.0.0.4')).toBe(false);
    expect(guard.refused).toEqual({ per_address: 0, total: 1, rate: 0 });
  });

  it('lets an address open a burst of five seconds’ worth, then one per 1/rate seconds', async () => {
    const { guard, port } = await guarded({
      connectionsPerAddress: 10,
      connectionsTotal: 100,
      connectionsPerSecond: 1,
    });
    for (let i = 0; i < 5; i += 1) {
      expect(await connect(port, '127.0.0.2')).toBe(true);
      await closeOne(guard);
    }
    expect(await connect(port, '127.0.0.2')).toBe(false);
    expect(await connect(port, '127.0.0.3')).toBe(true); // Each address has its own bucket.

    clock += 1_000;
    expect(await connect(port, '127.0.0.2')).toBe(true);
    expect(await connect(port, '127.0.0.2')).toBe(false);
    expect(guard.refused).toEqual({ per_address: 0, total: 0, rate: 2 });
  });

  it('forgets an address once it holds nothing and its bucket is full again', async () => {
    const { guard, port } = await guarded({
      connectionsPerAddress: 10,
      connectionsTotal: 100,
      connectionsPerSecond: 1,
    });
    expect(await connect(port, '127.0.0.2')).toBe(true);
    expect(await connect(port, '127.0.0.3')).toBe(true);
    expect(guard.addresses()).toBe(2);

    await closeOne(guard); // 127.0.0.2 closes at once: its bucket is one short, so it is kept.
    expect(guard.addresses()).toBe(2);
    clock += 1_000;
    await closeOne(guard); // 127.0.0.3 closes a second later: full again, forgotten.
    expect(guard.addresses()).toBe(1);
  });

  it('sweeps addresses that were only ever refused for their rate', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { guard, port } = await guarded({
      connectionsPerAddress: 10,
      connectionsTotal: 100,
      connectionsPerSecond: 1,
    });
    for (let i = 0; i < 5; i += 1) {
      expect(await connect(port, '127.0.0.2')).toBe(true);
      await closeOne(guard);
    }
    expect(await connect(port, '127.0.0.2')).toBe(false);
    expect(guard.addresses()).toBe(1);

    clock += 5_000;
    vi.advanceTimersByTime(60_000);
    expect(guard.addresses()).toBe(0);
  });
});
