import type { Device } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { ReportWatch } from './report-watch';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);

const camera = (over: Partial<Device> = {}): Device => ({
  id: 'CAM-1',
  gridId: 'G02',
  type: 'camera',
  name: '北门摄像头',
  lat: 30.25,
  lng: 120.17,
  online: true,
  lastSeenAt: T0,
  ...over,
});

describe('ReportWatch', () => {
  it('names a connected camera once when its heartbeats stop, and once when they come back', () => {
    const watch = new ReportWatch();
    const device = camera();
    expect(watch.sweep([device], T0)).toEqual([]); // the first look only learns
    expect(watch.sweep([device], T0 + 3 * MIN)).toEqual([]); // three intervals: still allowed
    const overdue = watch.sweep([device], T0 + 3 * MIN + 5000);
    expect(overdue.map(({ device: d, report }) => [d.id, report.state, report.lastReportAt])).toEqual([
      ['CAM-1', 'overdue', T0],
    ]);
    expect(watch.sweep([device], T0 + 9 * MIN)).toEqual([]); // still overdue: nothing new
    device.lastSeenAt = T0 + 9 * MIN + 1000;
    const back = watch.sweep([device], T0 + 9 * MIN + 5000);
    expect(back.map(({ report }) => report.state)).toEqual(['online']);
  });

  it('leaves going offline and coming online to the status messages', () => {
    const watch = new ReportWatch();
    const device = camera();
    watch.sweep([device], T0);
    device.online = false; // its last will
    expect(watch.sweep([device], T0 + 10 * MIN)).toEqual([]);
    device.online = true;
    device.lastSeenAt = T0 + 11 * MIN;
    expect(watch.sweep([device], T0 + 11 * MIN)).toEqual([]);
  });

  it('names a device whose status said online and which fell silent before the next look', () => {
    const watch = new ReportWatch();
    const device = camera({ online: false });
    watch.sweep([device], T0);
    device.online = true; // its status message, announced by ingest
    device.lastSeenAt = T0 + 1000;
    const overdue = watch.sweep([device], T0 + 9 * MIN);
    expect(overdue.map(({ report }) => report.state)).toEqual(['overdue']);
  });

  it('holds each type to its own interval: a smoke alarm silent for an hour is fine', () => {
    const watch = new ReportWatch();
    const smoke = camera({ id: 'SMOKE-1', type: 'smoke_detector' });
    const cam = camera();
    watch.sweep([smoke, cam], T0);
    expect(watch.sweep([smoke, cam], T0 + 60 * MIN).map(({ device }) => device.id)).toEqual(['CAM-1']);
  });
});
