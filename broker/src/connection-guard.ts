import type { NetworkLimits } from '@gridsense/core';
import type { Server, Socket } from 'node:net';

export interface ConnectionGuard {
  /** Connections refused so far, by reason (for /metrics and tests). */
  readonly refused: Record<'per_address' | 'total' | 'rate', number>;
  open(): number;
  /** Addresses remembered (bounded: forgotten once idle). */
  addresses(): number;
}

interface AddressState {
  open: number;
  tokens: number;
  refilledAt: number;
}

/**
 * Caps a server's connections per remote address and in total, and how fast one address may open
 * them (a token bucket). A refused socket is destroyed before anything is read from it, so a flood
 * costs one accept each. Installed on the raw `net.Server` (MQTT) or `http.Server` (HTTP and its
 * upgrades) alike.
 */
export function guardConnections(
  server: Server,
  limits: Omit<NetworkLimits, 'mqttMaxPacketBytes'>,
  now: () => number = Date.now,
): ConnectionGuard {
  const burst = limits.connectionsPerSecond * 5;
  const addresses = new Map<string, AddressState>();
  const refused = { per_address: 0, total: 0, rate: 0 };
  let open = 0;

  const refuse = (socket: Socket, reason: keyof typeof refused) => {
    refused[reason] += 1;
    socket.destroy();
  };

  // `prependListener`: before the server's own handler reads the socket.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const state = addresses.get(address) ?? { open: 0, tokens: burst, refilledAt: now() };
    const at = now();
    state.tokens = Math.min(
      burst,
      state.tokens + ((at - state.refilledAt) / 1000) * limits.connectionsPerSecond,
    );
    state.refilledAt = at;
    if (open >= limits.connectionsTotal) return refuse(socket, 'total');
    if (state.open >= limits.connectionsPerAddress) return refuse(socket, 'per_address');
    if (state.tokens < 1) {
      addresses.set(address, state);
      return refuse(socket, 'rate');
    }
    state.tokens -= 1;
    state.open += 1;
    open += 1;
    addresses.set(address, state);
    socket.once('close', () => {
      open -= 1;
      state.open -= 1;
      // Forget an address once it holds nothing and its bucket is full again.
      if (state.open === 0) {
        const refill = ((now() - state.refilledAt) / 1000) * limits.connectionsPerSecond;
        if (state.tokens + refill >= burst) addresses.delete(address);
      }
    });
  });

  // Addresses refused by rate alone hold no socket: sweep them once their bucket is full again.
  const sweep = setInterval(() => {
    const at = now();
    for (const [address, state] of addresses) {
      const tokens = state.tokens + ((at - state.refilledAt) / 1000) * limits.connectionsPerSecond;
      if (state.open === 0 && tokens >= burst) addresses.delete(address);
    }
  }, 60_000);
  sweep.unref();
  server.once('close', () => clearInterval(sweep));

  return { refused, open: () => open, addresses: () => addresses.size };
}
