import type { NetworkLimits } from '@gridsense/core';
import { guardConnections, type ConnectionGuard } from '@gridsense/broker';
import type { Express } from 'express';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createWebApp } from './app';
import { createPhotoStore, photosDir, startPhotoSweep } from './photo-store';
import { startNodeRed } from './node-red';
import { attachGateway } from './realtime/gateway';
import { joinSocketCluster } from './socket-cluster';
import { UpgradeRouter, type UpgradeHandler } from './upgrade-router';
import type { WebDeps } from './web-deps';

export interface WebServer {
  server: Server;
  /** The Express app (its router stack lists every route, for the permission matrix test). */
  app: Express;
  port: number;
  guard: ConnectionGuard;
  close(): Promise<void>;
}

export interface WebServerOptions {
  host: string;
  port: number;
  nodeRed: boolean;
  limits: NetworkLimits;
  /** More WebSocket endpoints by path (the embedded broker's `/mqtt`). */
  upgrades?: Record<string, UpgradeHandler>;
  /** Serve HTTPS (and WSS) with this certificate and key instead of plain HTTP. */
  tls?: { cert: string; key: string };
  /** A TLS-terminating proxy on this host: believe its X-Forwarded-Proto (`request.secure`). */
  behindTlsProxy?: boolean;
  /** One of several web nodes: socket.io's rooms are shared through this Redis (decision 0014). */
  redisUrl?: string;
}

/** Builds the app, attaches socket.io and (optionally) Node-RED, and listens. */
export async function startWebServer(deps: WebDeps, options: WebServerOptions): Promise<WebServer> {
  const { app, finish } = createWebApp(deps);
  if (options.behindTlsProxy) app.set('trust proxy', 'loopback');
  const server: Server = options.tls
    ? // An https.Server is an http.Server on TLS sockets; Node's types keep them apart.
      (createHttpsServer(
        { cert: options.tls.cert, key: options.tls.key, maxHeaderSize: 16 * 1024, handshakeTimeout: 10_000 },
        app,
      ) as unknown as Server)
    : createServer({ maxHeaderSize: 16 * 1024 }, app);
  if (options.tls) server.on('tlsClientError', (_error, socket: { destroy(): void }) => socket.destroy());
  // A client that trickles its headers or body is cut off instead of holding a socket for minutes.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 10_000;
  const guard = guardConnections(server, options.limits);
  const upgrades = new UpgradeRouter(server);
  const cluster = options.redisUrl ? joinSocketCluster(options.redisUrl, deps.logger) : undefined;
  const gateway = await upgrades.adopt('/socket.io/', () =>
    attachGateway(server, deps, cluster ? { adapter: cluster.adapter } : {}),
  );
  // Node-RED runs in a process of its own; /flows (its editor, API and WebSocket) is passed to it.
  const nodeRed = options.nodeRed ? await startNodeRed(deps) : undefined;
  if (nodeRed) {
    app.use('/flows', nodeRed.handleRequest);
    upgrades.route('/flows', nodeRed.handleUpgrade);
  }
  for (const [path, handle] of Object.entries(options.upgrades ?? {})) upgrades.route(path, handle);
  finish();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  // Uploads no case or report used are removed after a day: swept now and hourly.
  const photoSweep = startPhotoSweep(
    createPhotoStore({ db: deps.db, dir: photosDir(deps.dataDir), now: deps.now }),
    { onError: (error) => deps.logger.error({ err: error }, 'photo sweep') },
  );
  const address = server.address();
  return {
    server,
    app,
    port: typeof address === 'object' && address ? address.port : options.port,
    guard,
    async close() {
      await photoSweep.stop();
      await nodeRed?.stop();
      server.closeAllConnections();
      upgrades.destroyAll();
      // Closing socket.io also closes the HTTP server (and the cluster adapter's readers).
      await gateway.close();
      await cluster?.close();
    },
  };
}
