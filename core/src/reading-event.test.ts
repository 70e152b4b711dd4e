import { describe, expect, it } from 'vitest';
import {
  MAX_PAYLOAD_BYTES,
  decodeEvent,
  decodeStatus,
  type Decoded,
  type DeviceIdentity,
  type RejectReason,
} from './reading';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const FIVE_MIN = 5 * 60 * 1000;
const camera: DeviceIdentity = { deviceId: 'cam-17', gridId: 'g-1', deviceType: 'camera' };
/** Objects are JSON-encoded; strings are sent verbatim (for malformed JSON). */
const payload = (body: unknown): Uint8Array =>
  new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
function expectReject<T>(result: Decoded<T>, reason: RejectReason): void {
  expect(result.ok ? 'ok' : result.reason).toBe(reason);
  expect(!result.ok && result.detail).toEqual(expect.any(String));
}

describe('decodeEvent', () => {
  const example = {
    ts: '2026-11-22T08:15:00+08:00',
    seq: 7,
    type: 'fire_smoke',
    confidence: 0.93,
    snapshot: 'https://cam-17.example/snap/7.jpg',
    location: { lat: 30.25, lng: 120.17 },
    attributes: { zone: 'north gate' },
  };

  it('accepts the contract example with every field', () => {
    expect(decodeEvent(payload(example), camera, NOW)).toEqual({
      ok: true,
      value: { ...camera, ...example, ts: Date.parse('2026-11-22T00:15:00Z') },
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['minimal (type only)', { type: 'fire_smoke' }],
    ['confidence 0', { type: 'x', confidence: 0 }],
    ['confidence 1', { type: 'x', confidence: 1 }],
    ['plain http snapshot', { type: 'x', snapshot: 'http://10.0.0.5/a.jpg' }],
    ['location at the bounds', { type: 'x', location: { lat: -90, lng: 180 } }],
    ['location at the other bounds', { type: 'x', location: { lat: 90, lng: -180 } }],
    ['64-char type', { type: 'e'.repeat(64) }],
  ])('accepts %s', (_name, body) => {
    expect(decodeEvent(payload(body), camera, NOW)).toEqual({
      ok: true,
      value: { ...camera, ts: NOW, ...body },
    });
  });

  it.each<[string, unknown, RejectReason]>([
    ['too large', { type: 'x', attributes: { pad: 'a'.repeat(MAX_PAYLOAD_BYTES) } }, 'too_large'],
    ['bad JSON', '{"type":', 'bad_json'],
    ['array', [{ type: 'x' }], 'bad_shape'],
    ['attributes an array', { type: 'x', attributes: ['zone'] }, 'bad_shape'],
    ['attributes a string', { type: 'x', attributes: 'zone' }, 'bad_shape'],
    ['type missing', { confidence: 0.5 }, 'bad_event_type'],
    ['type empty', { type: '' }, 'bad_event_type'],
    ['type uppercase', { type: 'Fire_smoke' }, 'bad_event_type'],
    ['type with dash', { type: 'fire-smoke' }, 'bad_event_type'],
    ['type number', { type: 42 }, 'bad_event_type'],
    ['type 65 chars', { type: 'e'.repeat(65) }, 'bad_event_type'],
    ['ts bad', { type: 'x', ts: 'now' }, 'bad_ts'],
    ['ts future', { type: 'x', ts: NOW + FIVE_MIN + 1 }, 'future_ts'],
    ['seq bad', { type: 'x', seq: -3 }, 'bad_seq'],
    ['confidence below 0', { type: 'x', confidence: -0.01 }, 'bad_confidence'],
    ['confidence above 1', { type: 'x', confidence: 1.01 }, 'bad_confidence'],
    ['confidence string', { type: 'x', confidence: '0.9' }, 'bad_confidence'],
    ['confidence null', { type: 'x', confidence: null }, 'bad_confidence'],
    ['snapshot ftp', { type: 'x', snapshot: 'ftp://cam/snap.jpg' }, 'bad_snapshot'],
    ['snapshot relative', { type: 'x', snapshot: '/snap/7.jpg' }, 'bad_snapshot'],
    ['snapshot javascript:', { type: 'x', snapshot: 'javascript:alert(1)' }, 'bad_snapshot'],
    ['snapshot with space', { type: 'x', snapshot: 'https://cam/a b.jpg' }, 'bad_snapshot'],
    ['snapshot number', { type: 'x', snapshot: 7 }, 'bad_snapshot'],
    ['lat > 90', { type: 'x', location: { lat: 90.01, lng: 0 } }, 'bad_location'],
    ['lat < -90', { type: 'x', location: { lat: -90.01, lng: 0 } }, 'bad_location'],
    ['lng > 180', { type: 'x', location: { lat: 0, lng: 180.01 } }, 'bad_location'],
    ['lng < -180', { type: 'x', location: { lat: 0, lng: -180.01 } }, 'bad_location'],
    ['lng missing', { type: 'x', location: { lat: 30 } }, 'bad_location'],
    ['lat string', { type: 'x', location: { lat: '30', lng: 120 } }, 'bad_location'],
    ['location array', { type: 'x', location: [30, 120] }, 'bad_location'],
    ['location null', { type: 'x', location: null }, 'bad_location'],
  ])('rejects %s → %s', (_name, body, reason) => {
    expectReject(decodeEvent(payload(body), camera, NOW), reason);
  });
});

describe('decodeStatus', () => {
  it.each([['online'], ['offline']])('accepts %s', (state) => {
    expect(decodeStatus(payload({ state }))).toEqual({ ok: true, value: state });
  });
  it.each<[string, unknown, RejectReason]>([
    ['capitalised', { state: 'Online' }, 'bad_status'],
    ['missing', {}, 'bad_status'],
    ['boolean', { state: true }, 'bad_status'],
    ['array', ['online'], 'bad_shape'],
    ['bare string', 'online', 'bad_json'],
    ['too large', { state: 'online', pad: 'a'.repeat(MAX_PAYLOAD_BYTES) }, 'too_large'],
  ])('rejects %s → %s', (_name, body, reason) => {
    expectReject(decodeStatus(payload(body)), reason);
  });
});
