import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { LineChannel } from './line-channel';

/** Two ends of a pipe: what one writes the other reads. */
function pipePair(): [Duplex, Duplex] {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  const end = (readable: PassThrough, writable: PassThrough) => Duplex.from({ readable, writable }) as Duplex;
  return [end(bToA, aToB), end(aToB, bToA)];
}

function open(stream: Duplex, maxLineBytes = 1024, maxMessagesPerSecond?: number) {
  const got: unknown[] = [];
  const events: string[] = [];
  const channel = new LineChannel<unknown, unknown>(stream, {
    maxLineBytes,
    ...(maxMessagesPerSecond === undefined ? {} : { maxMessagesPerSecond }),
    onMessage: (message) => got.push(message),
    onOverflow: () => events.push('overflow'),
    onInvalid: (line) => events.push(`invalid ${line}`),
    onClose: () => events.push('close'),
  });
  return { channel, got, events };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LineChannel', () => {
  it('carries messages both ways, also split across and joined within chunks', async () => {
    const [a, b] = pipePair();
    const left = open(a);
    const right = open(b);
    left.channel.send({ t: 'ready', port: 1880 });
    left.channel.sendAll([{ n: 1 }, { n: 2 }, { text: 'line\nbreak 中文' }]);
    right.channel.send({ t: 'stop' });
    await settle();
    expect(right.got).toEqual([{ t: 'ready', port: 1880 }, { n: 1 }, { n: 2 }, { text: 'line\nbreak 中文' }]);
    expect(left.got).toEqual([{ t: 'stop' }]);

    const raw = new PassThrough();
    const split = open(raw);
    raw.write('{"a":');
    raw.write('1}\n{"b"');
    raw.write(':2}\nnot json\n');
    await settle();
    expect(split.got).toEqual([{ a: 1 }, { b: 2 }]);
    expect(split.events).toEqual(['invalid not json']);
  });

  it('stops at a line longer than the limit, whole or in pieces, and holds no more of it', async () => {
    for (const chunks of [['x'.repeat(2000) + '\n'], ['{"a":"', 'y'.repeat(600), 'y'.repeat(600)]]) {
      const raw = new PassThrough();
      const reader = open(raw, 1024);
      raw.write('{"ok":true}\n');
      for (const chunk of chunks) raw.write(chunk);
      await settle();
      expect(reader.got).toEqual([{ ok: true }]);
      expect(reader.events).toEqual(['close', 'overflow']);
      expect(reader.channel.isClosed).toBe(true);
      expect(reader.channel.send({ late: true })).toBe(false);
    }
  });

  it('stops reading for the rest of the second once a peer sends more than its budget', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      vi.setSystemTime(1_000_000);
      const raw = new PassThrough();
      const reader = open(raw, 1024, 3);
      for (const n of [1, 3, 5]) {
        raw.write(`{"n":${n}}\n{"n":${n + 1}}\n`);
        await settle();
      }
      // The chunk that crossed the budget is read whole; the next waits in the pipe.
      expect(reader.got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
      expect(reader.got).toHaveLength(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes when the peer goes away', async () => {
    const [a, b] = pipePair();
    const left = open(a);
    open(b).channel.close();
    await settle();
    expect(left.events).toContain('close');
    expect(left.channel.send({ t: 'stop' })).toBe(false);
  });
});
