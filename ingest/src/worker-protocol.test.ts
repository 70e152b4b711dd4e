import type { DeviceTopic } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { MessagePacker, TopicTable } from './worker-protocol';

const readBack = (table: TopicTable, { buffer, count }: { buffer: ArrayBuffer; count: number }) => {
  const { ids, topics, payloads } = table.unpack(buffer, count);
  return ids.map((id, i) => ({ id, topic: topics[i], payload: payloads[i]!.toString() }));
};

const smoke: DeviceTopic = { gridId: 'G01', deviceId: 'smoke-G01-1', kind: 'telemetry' };

describe('the worker seam packs device messages into one buffer', () => {
  it('gives back every message in order: id, topic and payload bytes', () => {
    const packer = new MessagePacker();
    packer.add(1, smoke, Buffer.from('{"seq":1}'));
    packer.add(2, { gridId: '网格-2', deviceId: '设备-二', kind: 'event' }, Buffer.from('{"type":"x"}'));
    packer.add(0xfffffffe, { gridId: 'G03', deviceId: 'd', kind: 'status' }, Buffer.alloc(0));
    const batch = packer.take();

    expect(batch.count).toBe(3);
    expect(readBack(new TopicTable(), batch)).toEqual([
      { id: 1, topic: smoke, payload: '{"seq":1}' },
      { id: 2, topic: { gridId: '网格-2', deviceId: '设备-二', kind: 'event' }, payload: '{"type":"x"}' },
      { id: 0xfffffffe, topic: { gridId: 'G03', deviceId: 'd', kind: 'status' }, payload: '' },
    ]);
  });

  it('sends a topic once and then only its number, known by object or by name', () => {
    const packer = new MessagePacker();
    const table = new TopicTable();
    packer.add(1, smoke, Buffer.from('a'));
    const first = packer.take();
    // Flag, topic count, the topic (kind, two ids), then id, number, length and payload.
    expect(first.buffer.byteLength).toBe(1 + 4 + (1 + 2 + 3 + 2 + 11) + (12 + 1));
    readBack(table, first);

    packer.add(2, smoke, Buffer.from('b'));
    packer.add(3, { ...smoke }, Buffer.from('c')); // parsed again: the same topic by name
    const second = packer.take();
    expect(second.buffer.byteLength).toBe(1 + 4 + 2 * (12 + 1));
    const messages = readBack(table, second);
    expect(messages.map((m) => m.topic)).toEqual([smoke, smoke]);
    // One object per topic on the worker's side, shared by its messages.
    expect(messages[0]!.topic).toBe(messages[1]!.topic);
  });

  it('starts numbering afresh past its limit, and the worker forgets with it', () => {
    const packer = new MessagePacker(2);
    const table = new TopicTable();
    const topic = (n: number): DeviceTopic => ({ gridId: 'G01', deviceId: `d${n}`, kind: 'telemetry' });
    packer.add(1, topic(1), Buffer.from('1'));
    packer.add(2, topic(2), Buffer.from('2'));
    readBack(table, packer.take());
    // The next batch numbers from 0 again: topic 3 takes the number topic 1 had.
    packer.add(3, topic(3), Buffer.from('3'));
    packer.add(4, topic(1), Buffer.from('1'));
    const after = readBack(table, packer.take());
    expect(after.map((m) => m.topic?.deviceId)).toEqual(['d3', 'd1']);
  });

  it('refuses a batch that names a topic it never sent', () => {
    const packer = new MessagePacker();
    packer.add(1, smoke, Buffer.from('a'));
    packer.take(); // never read by this table
    packer.add(2, smoke, Buffer.from('b'));
    expect(() => readBack(new TopicTable(), packer.take())).toThrow(/never sent/);
  });

  it('starts empty again after each batch, and copies payloads out of pooled buffers', () => {
    const packer = new MessagePacker();
    const pooled = Buffer.from('{"seq":7}');
    packer.add(7, { gridId: 'G01', deviceId: 'a', kind: 'telemetry' }, pooled);
    const first = packer.take();
    pooled.write('XXXXXXXXX');
    expect(packer.count).toBe(0);
    expect(readBack(new TopicTable(), first)[0]?.payload).toBe('{"seq":7}');
    // A buffer of its own (transferable), exactly as long as the batch.
    expect(first.buffer.byteLength).toBe(1 + 4 + (1 + 2 + 3 + 2 + 1) + 12 + 9);
  });
});
