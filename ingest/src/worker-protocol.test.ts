import type { DeviceTopic } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { MessagePacker, unpackMessages } from './worker-protocol';

const unpackAll = (buffer: ArrayBuffer, count: number) => {
  const out: { id: number; topic: DeviceTopic; payload: string }[] = [];
  unpackMessages(buffer, count, (id, topic, payload) => out.push({ id, topic, payload: payload.toString() }));
  return out;
};

describe('the worker seam packs device messages into one buffer', () => {
  it('gives back every message in order: id, topic and payload bytes', () => {
    const packer = new MessagePacker();
    packer.add(1, { gridId: 'G01', deviceId: 'smoke-G01-1', kind: 'telemetry' }, Buffer.from('{"seq":1}'));
    packer.add(2, { gridId: '网格-2', deviceId: '设备-二', kind: 'event' }, Buffer.from('{"type":"x"}'));
    packer.add(0xfffffffe, { gridId: 'G03', deviceId: 'd', kind: 'status' }, Buffer.alloc(0));
    const { buffer, count } = packer.take();

    expect(count).toBe(3);
    expect(unpackAll(buffer, count)).toEqual([
      { id: 1, topic: { gridId: 'G01', deviceId: 'smoke-G01-1', kind: 'telemetry' }, payload: '{"seq":1}' },
      { id: 2, topic: { gridId: '网格-2', deviceId: '设备-二', kind: 'event' }, payload: '{"type":"x"}' },
      { id: 0xfffffffe, topic: { gridId: 'G03', deviceId: 'd', kind: 'status' }, payload: '' },
    ]);
  });

  it('starts empty again after each batch, and copies payloads out of pooled buffers', () => {
    const packer = new MessagePacker();
    const pooled = Buffer.from('{"seq":7}');
    packer.add(7, { gridId: 'G01', deviceId: 'a', kind: 'telemetry' }, pooled);
    const first = packer.take();
    pooled.write('XXXXXXXXX');
    expect(packer.count).toBe(0);
    expect(unpackAll(first.buffer, first.count)[0]?.payload).toBe('{"seq":7}');
    // A buffer of its own (transferable), exactly as long as the batch.
    expect(first.buffer.byteLength).toBe(4 + 1 + 2 + 3 + 2 + 1 + 4 + 9);
  });
});
