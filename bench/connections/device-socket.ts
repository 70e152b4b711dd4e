/**
 * One idle device as the contract describes it, over a bare socket: CONNECT with its credentials,
 * `clean: false` and its last will, SUBSCRIBE inside its own prefix, then nothing but PINGREQs.
 * A few hundred bytes per connection on this side, so the generator measures the broker.
 */
import net from 'node:net';
import { encodeConnect, encodeSubscribe } from '../lib/mqtt-wire';
import type { ConnDevice } from './devices';

export interface DeviceTarget {
  host: string;
  port: number;
  localAddress: string;
  localPort: number;
}

export type DeviceOutcome =
  | { ok: true; socket: net.Socket; subscribed: boolean }
  | { ok: false; reason: string; refusedCode?: number; addressInUse?: boolean };

/**
 * The device's downlink. The contract defines no command topic yet; a subscription inside the
 * device's own prefix is what its ACL allows and what a downlink will cost the broker per session.
 */
export function commandTopic(device: ConnDevice): string {
  return `gs/v1/${device.gridId}/${device.id}/command`;
}

const CONNACK = 2;
const SUBACK = 9;

/** Whole packets out of a byte stream: [type, body] (the few a device receives here are tiny). */
function framePackets(onPacket: (type: number, body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let index = 1;
      let complete = false;
      while (index < pending.length && index <= 4) {
        const byte = pending[index++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || pending.length < index + length) return;
      onPacket(pending[0]! >> 4, pending.subarray(index, index + length));
      pending = pending.subarray(index + length);
      if (pending.length === 0) return;
    }
  };
}

/** Connects and subscribes; settles once SUBACK (or a refusal, an error, the timeout) arrives. */
export function connectDevice(
  target: DeviceTarget,
  device: ConnDevice,
  options: { keepaliveS: number; subscribe: boolean; timeoutMs: number },
): Promise<DeviceOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({
      host: target.host,
      port: target.port,
      localAddress: target.localAddress,
      localPort: target.localPort,
    });
    let settled = false;
    const settle = (outcome: DeviceOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!outcome.ok) socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => settle({ ok: false, reason: 'no CONNACK/SUBACK in time' }),
      options.timeoutMs,
    );
    socket.on('error', (error: NodeJS.ErrnoException) =>
      settle({ ok: false, reason: error.code ?? error.message, addressInUse: error.code === 'EADDRINUSE' }),
    );
    socket.on('close', () => settle({ ok: false, reason: 'closed by the broker' }));
    socket.on(
      'data',
      framePackets((type, body) => {
        if (type === CONNACK) {
          const code = body[1] ?? 255;
          if (code !== 0) return settle({ ok: false, reason: `CONNACK ${code}`, refusedCode: code });
          if (!options.subscribe) return settle({ ok: true, socket, subscribed: false });
          socket.write(encodeSubscribe(1, commandTopic(device), 1));
        } else if (type === SUBACK) {
          // 0x80 is a refusal by the ACL; the connection stays.
          settle({ ok: true, socket, subscribed: body[2] !== undefined && body[2] < 0x80 });
        }
      }),
    );
    socket.write(
      encodeConnect({
        clientId: device.id,
        username: device.id,
        password: device.secret,
        clean: false,
        keepaliveS: options.keepaliveS,
        will: {
          topic: `gs/v1/${device.gridId}/${device.id}/status`,
          payload: '{"state":"offline"}',
          qos: 1,
          retain: true,
        },
      }),
    );
  });
}
