import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import type { Duplex } from 'node:stream';
import { brokerUrl, openSubscriberTransport } from './subscriber-transport';

export interface SubscriberConnectionOptions {
  /** mqtt: or tcp:, mqtts:, ws: or wss: (see subscriber-transport.ts). */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** false: a persistent session, whose unacknowledged and queued messages the broker keeps. */
  clean: boolean;
  /** Subscribed (QoS 1) on every connect, whatever `sessionPresent` says. */
  filter?: string;
  /**
   * Handles one message. Its PUBACK goes out once the promise resolves; a rejection drops the
   * connection (and with it every PUBACK still owed), so the broker sends again after reconnect.
   */
  onPublish(topic: string, payload: Buffer): Promise<unknown>;
  onError(error: unknown, context: string): void;
  /** Called after each CONNACK (and its subscribe, when there is a filter). */
  onConnect?(sessionPresent: boolean): void;
  /** Delay before reconnecting (default 250 ms); 0 = do not reconnect. */
  reconnectMs?: number;
  keepaliveS?: number;
  /**
   * Messages handed on and not yet acknowledged past which the socket is no longer read (default
   * 10,000): memory stays bounded even on a broker that does not limit what it sends unacknowledged.
   */
  maxUnacked?: number;
}

export interface SubscriberConnection {
  readonly clientId: string;
  connected(): boolean;
  /** Messages handed on whose PUBACK is still owed. */
  unacked(): number;
  subscribeAsync(filter: string): Promise<void>;
  unsubscribeAsync(filters: string | string[]): Promise<void>;
  /** Closes the connection (DISCONNECT) and stops reconnecting; PUBACKs still owed are not sent. */
  endAsync(): Promise<void>;
}

interface Reply {
  resolve: (packet: Packet) => void;
  reject: (error: Error) => void;
}

const CONNECT_TIMEOUT_MS = 10_000;
/** At most 8 KiB of PUBACKs per write: over WebSocket a write is one frame, and brokers cap those. */
const MAX_PUBACKS_PER_WRITE = 2_048;

/**
 * A small MQTT 3.1.1 subscriber that keeps many QoS 1 messages in flight: every PUBLISH parsed
 * from a chunk is handed on at once, and its PUBACK is sent when its handling resolves (for
 * ingest: when its group commit is durable), in whatever order those finish. PUBACKs that become
 * due together go out in one socket write. mqtt.js, by contrast, hands its next message on only
 * after the previous one's PUBACK, which caps a client at one message per group commit.
 *
 * PUBACKs owed on a connection that has since dropped are never sent on the next one: the broker
 * sends those messages again (DUP) on the persistent session, and ingest drops repeats by seq.
 */
export function openSubscriberConnection(options: SubscriberConnectionOptions): {
  connection: SubscriberConnection;
  /** The first CONNACK (and subscribe); rejects if it fails (the connection then stops). */
  ready: Promise<boolean>;
} {
  const url = brokerUrl(options.url);
  const keepaliveS = options.keepaliveS ?? 30;
  const reconnectMs = options.reconnectMs ?? 250;
  const maxUnacked = options.maxUnacked ?? 10_000;

  let socket: Duplex | undefined;
  let generation = 0;
  let isConnected = false;
  let ended = false;
  let unacked = 0;
  let paused = false;
  let lastHeard = Date.now();
  let nextId = 0;
  const replies = new Map<number, Reply>();
  let pubacks: Buffer[] = [];
  let firstConnect: { resolve: (present: boolean) => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<boolean>((resolve, reject) => (firstConnect = { resolve, reject }));
  let reconnectTimer: NodeJS.Timeout | undefined;

  const writable = () => socket !== undefined && !socket.destroyed && !socket.writableEnded;
  const send = (packet: Packet) => writable() && socket!.write(mqttPacket.generate(packet));
  const newId = () => (nextId = (nextId % 65_535) + 1);
  const request = (packet: Packet & { messageId?: number }) =>
    new Promise<Packet>((resolve, reject) => {
      if (!isConnected) return reject(new Error(`${options.clientId} is not connected`));
      const messageId = newId();
      replies.set(messageId, { resolve, reject });
      send({ ...packet, messageId } as Packet);
    });

  const pinger = setInterval(
    () => {
      if (!isConnected) return;
      // Nothing heard for 1.5 keepalives: the broker (or the path to it) is gone.
      if (Date.now() - lastHeard > keepaliveS * 1500) socket?.destroy(new Error('keepalive timeout'));
      else send({ cmd: 'pingreq' });
    },
    (keepaliveS * 1000) / 2,
  );
  pinger.unref();

  function flushPubacks(): void {
    const due = pubacks;
    pubacks = [];
    for (let i = 0; i < due.length && writable(); i += MAX_PUBACKS_PER_WRITE)
      socket!.write(Buffer.concat(due.slice(i, i + MAX_PUBACKS_PER_WRITE)));
  }

  function settle(): void {
    unacked--;
    if (paused && unacked <= maxUnacked / 2) {
      paused = false;
      socket?.resume();
    }
  }

  function handlePublish(packet: IPublishPacket, onGeneration: number): void {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const messageId = packet.messageId;
    unacked++;
    if (!paused && unacked >= maxUnacked) {
      paused = true;
      socket?.pause();
    }
    let handled: Promise<unknown>;
    try {
      handled = options.onPublish(packet.topic, payload);
    } catch (error) {
      handled = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    handled.then(
      () => {
        settle();
        if (packet.qos === 0 || messageId === undefined || onGeneration !== generation) return;
        if (pubacks.length === 0) setImmediate(flushPubacks);
        pubacks.push(mqttPacket.generate({ cmd: 'puback', messageId }));
      },
      (error: unknown) => {
        settle();
        if (onGeneration !== generation) return;
        options.onError(error, `handle ${packet.topic}`);
        // Not durable: no PUBACK; the broker sends it again after the reconnect.
        socket?.destroy();
      },
    );
  }

  function onPacket(packet: Packet, onGeneration: number): void {
    lastHeard = Date.now();
    if (packet.cmd === 'publish') return handlePublish(packet, onGeneration);
    if (packet.cmd === 'connack') return void onConnack(packet.returnCode ?? 0, packet.sessionPresent);
    if (packet.cmd !== 'suback' && packet.cmd !== 'unsuback') return; // pingresp; QoS 2 is never granted
    const reply = packet.messageId === undefined ? undefined : replies.get(packet.messageId);
    if (!reply) return;
    replies.delete(packet.messageId!);
    if (packet.cmd === 'suback' && packet.granted.some((code) => Number(code) >= 0x80))
      reply.reject(new Error(`${options.clientId}: the broker refused the subscription`));
    else reply.resolve(packet);
  }

  async function onConnack(returnCode: number, sessionPresent: boolean): Promise<void> {
    if (returnCode !== 0) {
      const error = new Error(`${options.clientId}: the broker refused the connection (code ${returnCode})`);
      firstConnect?.reject(error);
      firstConnect = undefined;
      options.onError(error, 'external broker');
      return void socket?.destroy();
    }
    isConnected = true;
    try {
      if (options.filter) await subscribe(options.filter);
    } catch (error) {
      options.onError(error, `subscribe ${options.clientId}`);
      if (firstConnect) {
        firstConnect.reject(error instanceof Error ? error : new Error(String(error)));
        firstConnect = undefined;
        ended = true;
        return void socket?.destroy();
      }
    }
    options.onConnect?.(sessionPresent);
    firstConnect?.resolve(sessionPresent);
    firstConnect = undefined;
  }

  function connect(): void {
    const onGeneration = ++generation;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const transport = openSubscriberTransport(url);
    const current = transport.stream;
    socket = current;
    paused = false;
    const timeout = setTimeout(
      () => current.destroy(new Error(`no CONNACK within ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    parser.on('packet', (packet: Packet) => {
      if (packet.cmd === 'connack') clearTimeout(timeout);
      onPacket(packet, onGeneration);
    });
    parser.on('error', (error: unknown) => current.destroy(error instanceof Error ? error : undefined));
    current.on('data', (chunk: Buffer) => parser.parse(chunk));
    transport.onOpen(() => {
      lastHeard = Date.now();
      current.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clientId: options.clientId,
          clean: options.clean,
          keepalive: keepaliveS,
          ...(options.username !== undefined
            ? { username: options.username, password: Buffer.from(options.password ?? '') }
            : {}),
        }),
      );
    });
    current.on('error', (error: Error) => {
      if (!ended) options.onError(error, `external broker (${options.clientId})`);
    });
    current.once('close', () => {
      clearTimeout(timeout);
      if (socket !== current) return;
      isConnected = false;
      pubacks = [];
      for (const reply of replies.values()) reply.reject(new Error(`${options.clientId} disconnected`));
      replies.clear();
      if (firstConnect && (ended || reconnectMs === 0)) {
        firstConnect.reject(new Error(`could not connect as ${options.clientId}`));
        firstConnect = undefined;
      }
      if (!ended && reconnectMs > 0) reconnectTimer = setTimeout(connect, reconnectMs);
      else clearInterval(pinger);
    });
  }

  async function subscribe(filter: string): Promise<void> {
    await request({ cmd: 'subscribe', subscriptions: [{ topic: filter, qos: 1 }] } as Packet);
  }

  connect();
  const connection: SubscriberConnection = {
    clientId: options.clientId,
    connected: () => isConnected,
    unacked: () => unacked,
    subscribeAsync: subscribe,
    async unsubscribeAsync(filters) {
      const list = Array.isArray(filters) ? filters : [filters];
      await request({ cmd: 'unsubscribe', unsubscriptions: list } as Packet);
    },
    async endAsync() {
      ended = true;
      clearTimeout(reconnectTimer);
      clearInterval(pinger);
      const current = socket;
      if (!current || current.destroyed) return;
      const closed = new Promise<void>((resolve) => current.once('close', () => resolve()));
      if (isConnected) {
        flushPubacks();
        current.end(mqttPacket.generate({ cmd: 'disconnect' }));
      } else current.destroy();
      const timer = setTimeout(() => current.destroy(), 2_000);
      await closed;
      clearTimeout(timer);
    },
  };
  return { connection, ready };
}
