import net from 'node:net';

export interface Exchange {
  /** Everything the server sent before it closed or we stopped listening. */
  received: Buffer;
  /** The server closed (or reset) the connection; false when we gave up waiting and closed it. */
  closedByServer: boolean;
  /** The connection could not be opened at all (nothing listens on the port). */
  refused: boolean;
}

export interface ExchangeOptions {
  /** Stop once this much has arrived (e.g. one HTTP status line) instead of waiting for the close. */
  enough?: (received: Buffer) => boolean;
  /** Half-close after writing, so a server that reads to the end closes in turn. */
  endAfterWrite?: boolean;
  /** Give up waiting after this long and close from our side. */
  timeoutMs: number;
  /** Bytes to write once connected; more may follow through `then`. */
  then?: (socket: net.Socket, received: () => Buffer) => Promise<void>;
}

/**
 * One TCP connection to 127.0.0.1:`port`: writes `bytes`, collects the answer until the server
 * closes, `enough` says so, or `timeoutMs` passes. Never rejects: what happened is in the result.
 */
export function exchange(port: number, bytes: Uint8Array, options: ExchangeOptions): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const received = () => Buffer.concat(chunks, size);
    const finish = (closedByServer: boolean, refused = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: received(), closedByServer, refused });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (options.enough?.(received())) finish(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(true, error.code === 'ECONNREFUSED'));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      if (bytes.length > 0) socket.write(bytes);
      const more = options.then ? options.then(socket, received) : Promise.resolve();
      more.then(
        () => {
          if (options.endAfterWrite && !socket.destroyed) socket.end();
        },
        () => finish(false),
      );
    });
  });
}

/** The status code of the first HTTP response in `bytes`, or undefined when none arrived. */
export function httpStatus(bytes: Buffer): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.subarray(0, 32).toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

/**
 * The status codes of the pipelined HTTP responses in `bytes`, in order: each response is
 * skipped by its Content-Length or chunked body. Stops at the first incomplete one.
 */
export function httpStatuses(bytes: Buffer): number[] {
  const text = bytes.toString('latin1');
  const statuses: number[] = [];
  let at = 0;
  while (at < text.length) {
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(text.slice(at, at + 16));
    const headersEnd = text.indexOf('\r\n\r\n', at);
    if (!status || headersEnd < 0) break;
    statuses.push(Number(status[1]));
    const headers = text.slice(at, headersEnd).toLowerCase();
    at = headersEnd + 4;
    const length = /\r\ncontent-length: *(\d+)/.exec(headers);
    if (length) at += Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/.test(headers)) {
      // Chunks: size in hex, CRLF, data, CRLF; a zero size ends the body.
      for (;;) {
        const lineEnd = text.indexOf('\r\n', at);
        if (lineEnd < 0) return statuses;
        const size = parseInt(text.slice(at, lineEnd), 16);
        at = lineEnd + 2 + size + 2;
        if (!size) break;
      }
    }
  }
  return statuses;
}

/** True once `bytes` holds a whole status line. */
export const hasStatusLine = (bytes: Buffer): boolean => bytes.includes('\r\n');
