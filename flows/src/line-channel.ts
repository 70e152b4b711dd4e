import type { Duplex } from 'node:stream';

export interface LineChannelOptions<In> {
  /** A longer line is a broken or hostile peer: `onOverflow` runs and nothing more is read. */
  maxLineBytes: number;
  /**
   * Past this many messages in a second, reading pauses until the next second: the peer's writes
   * back up in the pipe instead of taking the reader's event loop.
   */
  maxMessagesPerSecond?: number;
  onMessage(message: In): void;
  onOverflow(): void;
  /** A line that is not JSON; it is skipped. */
  onInvalid(line: string): void;
  onClose(): void;
}

/**
 * One JSON message a line over a stream (the pipe between the platform and Node-RED's process).
 * Node's own IPC channel buffers a message of any length before parsing it; this one stops at
 * `maxLineBytes`, so a peer cannot make the reader hold more than that.
 */
export class LineChannel<In, Out> {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;
  private second = 0;
  private messagesThisSecond = 0;

  constructor(
    private readonly stream: Duplex,
    private readonly options: LineChannelOptions<In>,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.read(chunk);
      this.pauseWhenOverBudget();
    });
    // A peer that goes away (or a pipe error) ends the channel; both sides treat it alike.
    stream.on('error', () => this.finish());
    stream.on('end', () => this.finish());
    stream.on('close', () => this.finish());
  }

  /** Queues a message; false when the channel is closed (the message is dropped). */
  send(message: Out): boolean {
    if (this.closed) return false;
    this.stream.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /** Several messages in one write (device traffic comes in bursts). */
  sendAll(messages: readonly Out[]): boolean {
    if (this.closed) return false;
    if (messages.length > 0) this.stream.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
    return true;
  }

  /** Bytes written but not yet taken by the peer: what a slow or stuck peer makes us hold. */
  get backlogBytes(): number {
    return this.stream.writableLength;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.stream.end();
    this.finish();
  }

  private read(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(10); end >= 0 && !this.closed; end = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, end);
      start = end + 1;
      if (this.pendingBytes + part.length > this.options.maxLineBytes) return this.overflow();
      const line = Buffer.concat([...this.pending, part]).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.deliver(line);
    }
    if (this.closed || start >= chunk.length) return;
    const rest = chunk.subarray(start);
    if (this.pendingBytes + rest.length > this.options.maxLineBytes) return this.overflow();
    this.pending.push(rest);
    this.pendingBytes += rest.length;
  }

  private pauseWhenOverBudget(): void {
    const budget = this.options.maxMessagesPerSecond;
    if (budget === undefined || this.closed || this.messagesThisSecond < budget) return;
    this.stream.pause();
    setTimeout(() => this.stream.resume(), 1000 - (Date.now() % 1000)).unref();
  }

  private deliver(line: string): void {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.messagesThisSecond = 0;
    }
    this.messagesThisSecond++;
    let message: In;
    try {
      message = JSON.parse(line) as In;
    } catch {
      this.options.onInvalid(line.slice(0, 200));
      return;
    }
    this.options.onMessage(message);
  }

  private overflow(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.stream.destroy();
    this.finish();
    this.options.onOverflow();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose();
  }
}
