import { createServer, type Server } from 'node:http';
import { createWebApp } from './app';
import { embedNodeRed } from './node-red';
import { attachGateway } from './realtime/gateway';
import type { WebDeps } from './web-deps';

export interface WebServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Builds the app, attaches socket.io and (optionally) Node-RED, and listens. */
export async function startWebServer(
  deps: WebDeps,
  options: { host: string; port: number; nodeRed: boolean; beforeListen?: (server: Server) => void },
): Promise<WebServer> {
  const { app, finish } = createWebApp(deps);
  const server = createServer(app);
  const gateway = await attachGateway(server, deps);
  const nodeRed = options.nodeRed
    ? await embedNodeRed({
        app,
        server,
        db: deps.db,
        dataDir: deps.dataDir,
        logger: deps.logger,
        platform: deps,
      })
    : undefined;
  finish();
  options.beforeListen?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : options.port,
    async close() {
      await nodeRed?.stop();
      server.closeAllConnections();
      // Closing socket.io also closes the HTTP server.
      await gateway.close();
    },
  };
}
