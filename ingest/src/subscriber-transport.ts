import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import WebSocket, { createWebSocketStream } from 'ws';

const SCHEMES = ['mqtt:', 'tcp:', 'mqtts:', 'ws:', 'wss:'];

/** The byte stream MQTT packets travel on, and when the first one may be written. */
export interface SubscriberTransport {
  stream: Duplex;
  onOpen(listener: () => void): void;
}

/** The broker URL, or an error naming the schemes the subscriber speaks. */
export function brokerUrl(raw: string): URL {
  const url = new URL(raw);
  if (!SCHEMES.includes(url.protocol))
    throw new Error(
      `the ingest subscriber speaks MQTT over TCP, TLS or WebSocket (mqtt:, mqtts:, ws:, wss:), not ${url.protocol}`,
    );
  return url;
}

/**
 * Where a `ws:`/`wss:` URL's WebSocket goes: its host, port (default 80/443, as mqtt.js) and path
 * (EMQX serves `/mqtt`; Mosquitto any path). Credentials in the URL are dropped: the MQTT ones go
 * in CONNECT, as on TCP.
 */
export function webSocketAddress(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search}`;
}

/**
 * Opens a connection to the broker: TCP (`mqtt:`, `tcp:`), TLS (`mqtts:`) or WebSocket (`ws:`,
 * `wss:`). TLS, direct or under WebSocket, checks the broker's certificate against Node's CAs
 * (NODE_EXTRA_CA_CERTS adds a private one) and refuses a certificate that does not verify.
 */
export function openSubscriberTransport(url: URL): SubscriberTransport {
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return openWebSocket(url);
  const secure = url.protocol === 'mqtts:';
  const port = Number(url.port || (secure ? 8883 : 1883));
  const socket = secure
    ? tls.connect({ host: url.hostname, port, servername: url.hostname })
    : net.connect({ host: url.hostname, port });
  socket.setNoDelay(true);
  return {
    stream: socket,
    onOpen: (listener) => socket.once(secure ? 'secureConnect' : 'connect', listener),
  };
}

function openWebSocket(url: URL): SubscriberTransport {
  // Subprotocol `mqtt` (MQTT 3.1.1), which Mosquitto and EMQX require. Every write is sent as one
  // binary frame. No per-message compression: readings are small, and it costs CPU per frame.
  const socket = new WebSocket(webSocketAddress(url), 'mqtt', { perMessageDeflate: false });
  const stream = createWebSocketStream(socket);
  // The stream ends when the broker closes the WebSocket, but is destroyed (and emits 'close')
  // only once its writable side has finished too: closed here, as a TCP socket closes on EOF.
  stream.once('end', () => stream.destroy());
  return { stream, onOpen: (listener) => socket.once('open', listener) };
}
