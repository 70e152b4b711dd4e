import { describe, expect, it } from 'vitest';
import { SlicedHandIn } from './worker-hand-in';
import { MessagePacker, TopicTable } from './worker-protocol';

const post = (firstId: number, messages: number) => {
  const packer = new MessagePacker();
  for (let id = firstId; id < firstId + messages; id++)
    packer.add(
      id,
      { gridId: 'G01', deviceId: `d${id % 3}`, kind: 'telemetry' },
      Buffer.from(`{"seq":${id}}`),
    );
  const { buffer, count } = packer.take();
  return new TopicTable().unpack(buffer, count);
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('device messages are handed to ingest a slice per turn of the worker loop', () => {
  it('hands a lone post in at once, whole, with its payloads', () => {
    const seen: string[] = [];
    const handIn = new SlicedHandIn(
      (id, topic, payload) => seen.push(`${id}:${topic.deviceId}:${payload}`),
      4,
    );
    handIn.push(post(1, 3));
    expect(seen).toEqual(['1:d1:{"seq":1}', '2:d2:{"seq":2}', '3:d0:{"seq":3}']);
    expect(handIn.waiting).toBe(0);
  });

  it('gives the loop a turn between slices and keeps arrival order across posts', async () => {
    const seen: number[] = [];
    const handIn = new SlicedHandIn((id) => seen.push(id), 4);
    handIn.push(post(1, 10));
    expect(seen).toEqual([1, 2, 3, 4]);
    // A post that comes while the first still waits goes behind it, not ahead.
    handIn.push(post(11, 3));
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(handIn.waiting).toBe(9);

    await nextTurn();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await handIn.idle();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(handIn.waiting).toBe(0);
  });

  it('idle() waits for what is queued, and answers at once when nothing is', async () => {
    const seen: number[] = [];
    const handIn = new SlicedHandIn((id) => seen.push(id), 2);
    await handIn.idle();
    handIn.push(post(1, 7));
    let idle = false;
    const waiting = handIn.idle().then(() => (idle = true));
    await nextTurn();
    expect(idle).toBe(false);
    await waiting;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
