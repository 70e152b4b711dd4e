import type { NetworkLimits } from '@gridsense/core';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { guardConnections, type ConnectionGuard } from './connection-guard';
import type { Broker } from './create-broker';
import { readWithinBudget } from './held-publishes';
import { limitPacketSize } from './packet-limit';

/**
 * MQTT over TCP, or over TLS when given a certificate and key (MQTTS). Resolves with the bound
 * port (useful when asked for port 0).
 */
export function listenMqtt(
  broker: Broker,
  port: number,
  host: string,
  limits: NetworkLimits,
  tls?: { cert: string; key: string },
): Promise<{ server: Server; port: number; guard: ConnectionGuard; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const handle = (socket: Socket) => {
    // Refused by the connection guard (which runs first): no aedes client for it.
    if (socket.destroyed) return;
    // A reset before aedes has its listeners on must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const client = broker.handle(socket);
    limitPacketSize(client, limits.mqttMaxPacketBytes);
    readWithinBudget(broker, client);
  };
  // server.close() waits for every connection to end: a device that stays would hold shutdown.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  const server = tls
    ? createTlsServer({ cert: tls.cert, key: tls.key, handshakeTimeout: 10_000 }, handle)
    : createServer(handle);
  if (tls) server.on('tlsClientError', (_error, socket) => socket.destroy());
  const guard = guardConnections(server, limits);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : port, guard, close });
    });
  });
}

/**
 * MQTT over WebSocket, as an upgrade handler for an HTTP server's router (which has already
 * checked the path; the HTTP server's connection guard already counted the connection).
 * `noServer`: the router, not ws, owns the server's upgrade event.
 */
export function mqttOverWebSocket(
  broker: Broker,
  limits: Pick<NetworkLimits, 'mqttMaxPacketBytes'>,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  // A WebSocket frame holds one or more MQTT packets; a frame over the limit is refused by ws.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.mqttMaxPacketBytes + 8 });
  return (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      const client = broker.handle(createWebSocketStream(ws), request);
      limitPacketSize(client, limits.mqttMaxPacketBytes);
      readWithinBudget(broker, client);
    });
  };
}
