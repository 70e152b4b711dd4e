import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Broker } from './create-broker';

/** MQTT over TCP. Resolves with the bound port (useful when asked for port 0). */
export function listenMqtt(
  broker: Broker,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => broker.handle(socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}

/**
 * MQTT over WebSocket on an existing HTTP server at `path`. `noServer` so the upgrade listener
 * takes only its own path and leaves socket.io's and Node-RED's upgrades alone.
 */
export function attachMqttOverWebSocket(
  httpServer: HttpServer,
  broker: Broker,
  path = '/mqtt',
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true });
  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      broker.handle(createWebSocketStream(ws), request);
    });
  });
  return wss;
}
