import type { Client } from 'aedes';

/**
 * Follows MQTT packet boundaries in a byte stream by their fixed headers (type byte, then the
 * remaining length as a 1–4 byte varint) without buffering anything, and says when a packet
 * announces more than `maxBytes`: at that point nothing of it has been kept yet.
 */
export class PacketLengthScanner {
  private stage: 'type' | 'length' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private skip = 0;

  constructor(public maxBytes: number) {}

  /** False once a packet's announced length is over the limit (or its length field is broken). */
  accept(chunk: Uint8Array): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
      } else if (this.stage === 'type') {
        i += 1;
        this.stage = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        const byte = chunk[i++]!;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes += 1;
        if (this.length > this.maxBytes) return false;
        if (byte & 0x80) {
          if (this.lengthBytes === 4) return false;
        } else {
          this.skip = this.length;
          this.stage = 'type';
        }
      }
    }
    return true;
  }
}

const scanners = new WeakMap<Client, PacketLengthScanner>();

/** Packets refused for their size since start (for /metrics and tests). */
export const oversizedPackets = { count: 0 };

/**
 * Ends a client whose packet announces more than `maxBytes` before mqtt-packet buffers it (it
 * would otherwise wait for, and hold, up to 256 MiB). aedes gives each client one mqtt-packet
 * parser and feeds it every chunk read from the connection; the check runs in front of it.
 */
export function limitPacketSize(client: Client, maxBytes: number): void {
  const parser = (client as unknown as { _parser?: { parse(chunk: Buffer): number } })._parser;
  if (!parser) throw new Error('aedes client has no parser: the packet size limit cannot be enforced');
  const scanner = new PacketLengthScanner(maxBytes);
  scanners.set(client, scanner);
  const parse = parser.parse.bind(parser);
  parser.parse = (chunk) => {
    if (scanner.accept(chunk)) return parse(chunk);
    oversizedPackets.count += 1;
    client.emit('error', new Error(`packet larger than ${scanner.maxBytes} bytes`));
    return 0;
  };
}

/** GridSense's own services (the bus) may send larger packets once they have authenticated. */
export function raisePacketLimit(client: Client, maxBytes: number): void {
  const scanner = scanners.get(client);
  if (scanner) scanner.maxBytes = Math.max(scanner.maxBytes, maxBytes);
}
