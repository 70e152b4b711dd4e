import { AppError } from '@gridsense/core';
import type { RequestHandler } from 'express';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { UpgradeHandler } from './upgrade-router';

/** Headers about one connection, not the request: never passed through a proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

const unavailable = () => new AppError('unavailable', 'the flow editor is starting; try again in a moment');

/**
 * The editor stays at /flows on the platform's port: requests and WebSocket upgrades under it
 * are passed to Node-RED's process on its loopback port, unchanged (Node-RED does its own
 * sign-in). While that process is down the editor answers 503.
 */
export function nodeRedProxy(port: () => number | undefined): {
  handleRequest: RequestHandler;
  handleUpgrade: UpgradeHandler;
  close(): void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const handleRequest: RequestHandler = (request, response, next) => {
    const target = port();
    if (target === undefined) return next(unavailable());
    const upstream = httpRequest({
      host: '127.0.0.1',
      port: target,
      method: request.method,
      path: request.originalUrl,
      headers: endToEnd(request.headers),
      agent,
    });
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', () => {
      if (!response.headersSent) next(unavailable());
      else response.destroy();
    });
    // A client that goes away mid-answer releases the upstream request too.
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  };

  const handleUpgrade: UpgradeHandler = (request, socket, head) => {
    const target = port();
    if (target === undefined) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(target, '127.0.0.1');
    const closeBoth = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', closeBoth);
    upstream.on('close', closeBoth);
    socket.on('error', closeBoth);
    socket.on('close', closeBoth);
    upstream.on('connect', () => {
      // The upgrade request as it came (its headers are needed for the WebSocket handshake).
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2)
        lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
  };

  return { handleRequest, handleUpgrade, close: () => agent.destroy() };
}
