import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A real HTTP server on loopback that records what it receives and answers from a script
 * (the last answer repeats), standing in for a webhook, a robot or a push service.
 */
export async function startReceiver(
  script: { status: number; body?: string }[] = [{ status: 200, body: '{"errcode":0}' }],
) {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const answer = script[Math.min(received.length - 1, script.length - 1)]!;
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    json: (i: number) => JSON.parse(received[i]!.body.toString('utf8')) as Record<string, unknown>,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A real loopback server that takes requests and answers none of them until `release()` (201):
 * a push service or webhook that has gone slow.
 */
export async function startHeldReceiver() {
  const held: { url: string; answer: () => void }[] = [];
  const sockets = new Set<Socket>();
  let released = false;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = () => {
        if (!response.headersSent) response.writeHead(201).end();
      };
      held.push({ url: request.url ?? '', answer });
      if (released) answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Requests received, answered or not. */
    get received() {
      return held.map((request) => request.url);
    },
    /** Answers what is held, and from now on answers at once. */
    release() {
      released = true;
      for (const request of held) request.answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
