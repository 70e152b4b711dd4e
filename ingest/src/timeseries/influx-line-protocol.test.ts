import { describe, expect, it } from 'vitest';
import { SeriesKeys, eventLine, pointLine, readingLine } from './influx-line-protocol';

const reading = {
  deviceId: 'smoke-1',
  gridId: 'G01',
  deviceType: 'smoke_detector',
  ts: 1_763_790_000_000,
  metrics: { smoke: 0.02, temperature: 23, open: true },
};

describe('InfluxDB line protocol', () => {
  it('writes floats, booleans and an integer seq after the series key', () => {
    const keys = new SeriesKeys();
    expect(readingLine({ ...reading, seq: 42 }, keys.telemetry(reading))).toBe(
      'telemetry,device_id=smoke-1,grid_id=G01,device_type=smoke_detector smoke=0.02,temperature=23,open=true,seq=42i 1763790000000',
    );
  });

  it('leaves out empty tags and renews a device key when its grid changes', () => {
    const keys = new SeriesKeys();
    expect(keys.telemetry({ ...reading, gridId: '', deviceType: '' })).toBe('telemetry,device_id=smoke-1');
    expect(keys.telemetry({ ...reading, gridId: 'G02' })).toBe(
      'telemetry,device_id=smoke-1,grid_id=G02,device_type=smoke_detector',
    );
  });

  it('escapes tag values and quotes strings in events', () => {
    const line = eventLine({
      deviceId: 'cam 1',
      gridId: 'G,1',
      deviceType: 'camera',
      ts: 5,
      seq: 7,
      type: 'fire_smoke',
      confidence: 0.9,
      snapshot: 'http://cam/"snap"\\1.jpg',
      location: { lat: 30.25, lng: 120.17 },
      attributes: { zone: 'north "gate"' },
    });
    expect(line).toBe(
      'events,device_id=cam\\ 1,grid_id=G\\,1,device_type=camera,type=fire_smoke ' +
        'attributes="{\\"zone\\":\\"north \\\\\\"gate\\\\\\"\\"}",seq=7i,confidence=0.9,' +
        'snapshot="http://cam/\\"snap\\"\\\\1.jpg",lat=30.25,lng=120.17 5',
    );
  });

  it('writes GridSense points with tags and float fields, as the rollups store them', () => {
    expect(
      pointLine({
        measurement: 'telemetry_1m',
        tags: { device_id: 'smoke 1' },
        fields: { smoke_count: 3, smoke_max: 0.5 },
        timestamp: 60_000,
      }),
    ).toBe('telemetry_1m,device_id=smoke\\ 1 smoke_count=3,smoke_max=0.5 60000');
    expect(pointLine({ measurement: 'rollup_stale', fields: { stale: false }, timestamp: 5 })).toBe(
      'rollup_stale stale=false 5',
    );
  });
});
