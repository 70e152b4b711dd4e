import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The path of a request target in origin form (`/mqtt?x`), or undefined for anything else
 * (absolute URLs, `*`, authority form, control characters). Never throws.
 */
export function originFormPath(target: string | undefined): string | undefined {
  if (!target || target[0] !== '/' || target.startsWith('//')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u0020\u007f]/.test(target)) return undefined;
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

function rejectUpgrade(socket: Duplex, status: 400 | 404 | 503, reason: string): void {
  if (socket.writable)
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  // Do not wait for a peer that never reads.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * The HTTP server's one `upgrade` listener: a WebSocket upgrade is passed to the handler of its
 * path (socket.io, MQTT over WebSocket, Node-RED's editor comms) only when its target parses;
 * anything else is answered 400 or 404 and closed. Listeners that libraries attached themselves
 * are taken off the server by `adopt` and called from here, so none of them sees a raw target.
 */
export class UpgradeRouter {
  private readonly routes: { prefix: string; handle: UpgradeHandler }[] = [];
  /** Upgraded sockets leave the HTTP server's books; closing the server must still end them. */
  private readonly open = new Set<Duplex>();

  constructor(private readonly server: Server) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.dispatch(request, socket, head),
    );
  }

  /** `prefix` matches the path itself and anything under it (`/mqtt`, `/socket.io/`). */
  route(prefix: string, handle: UpgradeHandler): void {
    this.routes.push({ prefix, handle });
  }

  /** Runs `attach`, then moves every `upgrade` listener it added to the route for `prefix`. */
  async adopt<T>(prefix: string, attach: () => Promise<T> | T): Promise<T> {
    const before = new Set(this.server.listeners('upgrade'));
    const result = await attach();
    const added = this.server.listeners('upgrade').filter((l) => !before.has(l)) as UpgradeHandler[];
    for (const listener of added) this.server.removeListener('upgrade', listener);
    if (added.length > 0)
      this.route(prefix, (request, socket, head) => added.forEach((l) => l(request, socket, head)));
    return result;
  }

  /** Ends every upgraded connection (MQTT over WebSocket, socket.io, Node-RED's comms). */
  destroyAll(): void {
    for (const socket of this.open) socket.destroy();
  }

  private dispatch(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset peer must not become an uncaught 'error' on a socket nobody else listens to.
    socket.on('error', () => socket.destroy());
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    const path = originFormPath(request.url);
    if (!path) return rejectUpgrade(socket, 400, 'Bad Request');
    const route = this.routes.find(
      (r) => path === r.prefix || path.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`),
    );
    if (!route) return rejectUpgrade(socket, 404, 'Not Found');
    try {
      route.handle(request, socket, head);
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request');
    }
  }
}
