import WebSocket from 'ws';

/**
 * A socket.io client that writes Engine.IO v4 / socket.io v5 frames as given, so a fuzzer can send
 * what no well-behaved client would: any event name, arity and types, broken packets. Answers the
 * server's pings; everything else it receives is kept for `waitFor`.
 */
export class RawSocketIo {
  private readonly waiters = new Set<{
    match: (frame: string) => boolean;
    resolve: (frame: string) => void;
  }>();
  closed = false;
  /** The last few frames the server sent (for a finding's report). */
  readonly lastReceived: string[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const frame = data.toString('utf8');
      if (frame === '2') return this.send('3');
      this.lastReceived.push(frame.slice(0, 200));
      if (this.lastReceived.length > 5) this.lastReceived.shift();
      for (const waiter of this.waiters)
        if (waiter.match(frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(frame);
        }
    });
    ws.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiters) waiter.resolve('');
      this.waiters.clear();
    });
    ws.on('error', () => ws.terminate());
  }

  /** Opens the WebSocket transport and waits for Engine.IO's open packet. Rejects if refused. */
  static open(
    baseUrl: string,
    headers: Record<string, string> = {},
    timeoutMs = 5_000,
  ): Promise<RawSocketIo> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, handshakeTimeout: timeoutMs });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no Engine.IO open packet'));
      }, timeoutMs);
      ws.once('message', (data: Buffer) => {
        clearTimeout(timer);
        if (data.toString('utf8').startsWith('0')) resolve(new RawSocketIo(ws));
        else {
          ws.terminate();
          reject(new Error(`unexpected first frame ${data.toString('utf8').slice(0, 80)}`));
        }
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  send(frame: string | Buffer): void {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN)
      this.ws.send(frame, { binary: Buffer.isBuffer(frame) });
  }

  /** The next frame that `match`es, or '' when the connection closes or `timeoutMs` passes. */
  waitFor(match: (frame: string) => boolean, timeoutMs = 5_000): Promise<string> {
    if (this.closed) return Promise.resolve('');
    return new Promise((resolve) => {
      const waiter = {
        match,
        resolve: (frame: string) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve('');
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Joins the main namespace with `auth`: the server's answer, `40{…}` (in) or `44{…}` (refused). */
  async join(auth?: unknown, timeoutMs = 5_000): Promise<string> {
    const answer = this.waitFor((frame) => frame.startsWith('40') || frame.startsWith('44'), timeoutMs);
    this.send(auth === undefined ? '40' : `40${JSON.stringify(auth)}`);
    return answer;
  }

  close(): void {
    this.closed = true;
    this.ws.terminate();
  }
}
