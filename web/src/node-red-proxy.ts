import { apiText, AppError } from '@gridsense/core';
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

/** GridSense's own cookies (the session): Node-RED runs engineers' code and never sees them. */
const isPlatformCookie = (cookie: string) => cookie.trim().startsWith('gs_');

function withoutPlatformCookies(cookie: string | undefined): string | undefined {
  const kept = cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '' && !isPlatformCookie(c));
  return kept && kept.length > 0 ? kept.join('; ') : undefined;
}

/** What goes to Node-RED: end-to-end headers, less the platform's cookies. */
function towardsNodeRed(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = endToEnd(headers);
  const cookie = withoutPlatformCookies(headers.cookie);
  if (cookie === undefined) delete kept.cookie;
  else kept.cookie = cookie;
  return kept;
}

/**
 * What comes back: end-to-end headers, less any the platform set itself (its security headers
 * win) and any cookie under the platform's names (a flow must not replace someone's session).
 */
function fromNodeRed(
  headers: IncomingHttpHeaders,
  alreadySet: (name: string) => boolean,
): IncomingHttpHeaders {
  const kept = endToEnd(headers);
  for (const name of Object.keys(kept)) if (alreadySet(name)) delete kept[name];
  if (kept['set-cookie']) kept['set-cookie'] = kept['set-cookie'].filter((c) => !isPlatformCookie(c));
  return kept;
}

/**
 * Pages that flows serve (http-in nodes, /flows/http) are engineers' content on the console's
 * origin: they run in a sandbox (an opaque origin), so their scripts cannot call the API as
 * whoever opened them.
 */
const FLOW_PAGE_SANDBOX = 'sandbox allow-scripts allow-forms allow-popups allow-downloads';
/** Express (and Node-RED's Express) match paths without regard to case. */
const FLOW_PAGES = /^\/flows\/http(?:[/?#]|$)/i;

const unavailable = () => new AppError('unavailable', apiText('flows.starting'));

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
      headers: towardsNodeRed(request.headers),
      agent,
    });
    upstream.on('response', (answer) => {
      if (FLOW_PAGES.test(request.originalUrl)) {
        const policies = response.getHeader('content-security-policy') ?? [];
        response.setHeader('content-security-policy', [policies, FLOW_PAGE_SANDBOX].flat().map(String));
      }
      response.writeHead(
        answer.statusCode ?? 502,
        fromNodeRed(answer.headers, (name) => response.hasHeader(name)),
      );
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
      // The upgrade request as it came (the WebSocket handshake needs its headers), less our cookies.
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        const [name, value] = [request.rawHeaders[i]!, request.rawHeaders[i + 1]!];
        const kept = name.toLowerCase() === 'cookie' ? withoutPlatformCookies(value) : value;
        if (kept !== undefined) lines.push(`${name}: ${kept}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
  };

  return { handleRequest, handleUpgrade, close: () => agent.destroy() };
}
