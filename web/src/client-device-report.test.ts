import { deviceReport, type DeviceReport } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { applyDeviceReading, applyDeviceStatus, byAttention } from '../client/src/lib/device-health';

const MIN = 60_000;
const NOW = 1_800_000_000_000;

const camera = (lastSeenAt: number | null, online = true) => {
  const device = { id: 'CAM-1', name: '摄像头 1号', type: 'camera', online, lastSeenAt };
  return { ...device, report: deviceReport(device, NOW) };
};

describe('the console applying device pushes', () => {
  it('takes the server’s word when a push says the reports fell overdue', () => {
    const report: DeviceReport = {
      state: 'overdue',
      lastReportAt: NOW - 9 * MIN,
      intervalMs: MIN,
      overdueAfterMs: 3 * MIN,
    };
    const next = applyDeviceStatus(
      camera(NOW - 9 * MIN),
      { deviceId: 'CAM-1', gridId: 'G02', state: 'online', at: NOW - 9 * MIN, report },
      NOW,
    );
    expect(next).toMatchObject({ online: true, report });
  });

  it('works the state out by the shared rule for a plain online/offline push', () => {
    const offline = applyDeviceStatus(
      camera(NOW - MIN),
      { deviceId: 'CAM-1', gridId: 'G02', state: 'offline', at: NOW },
      NOW,
    );
    expect(offline).toMatchObject({ online: false, lastSeenAt: NOW, report: { state: 'offline' } });
    const back = applyDeviceStatus(
      offline,
      { deviceId: 'CAM-1', gridId: 'G02', state: 'online', at: NOW },
      NOW,
    );
    expect(back.report.state).toBe('online');
  });

  it('counts a pushed reading as a report: an overdue device is online again', () => {
    const overdue = camera(NOW - 9 * MIN);
    expect(overdue.report.state).toBe('overdue');
    const next = applyDeviceReading(overdue, NOW - 1000, NOW);
    expect(next).toMatchObject({ online: true, lastSeenAt: NOW - 1000, report: { state: 'online' } });
    // A reading stamped earlier than what was already heard does not move "last seen" back.
    expect(applyDeviceReading(next, NOW - 5 * MIN, NOW).lastSeenAt).toBe(NOW - 1000);
  });

  it('lists devices that need a look first: offline, overdue, never heard from, then online', () => {
    const devices = [
      { ...camera(NOW), name: 'a 在线' },
      { ...camera(null), name: 'b 从未上报' },
      { ...camera(NOW - 9 * MIN), name: 'c 逾期' },
      { ...camera(NOW, false), name: 'd 离线' },
    ];
    expect([...devices].sort(byAttention).map((d) => d.report.state)).toEqual([
      'offline',
      'overdue',
      'never',
      'online',
    ]);
  });
});
