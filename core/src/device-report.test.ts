import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPORT_INTERVAL_MS,
  DEVICE_REPORT_STATES,
  deviceReport,
  isSilenceChange,
  MISSED_REPORTS_FOR_OVERDUE,
  reportIntervalOf,
  type DeviceReportState,
} from './device-report';
import { STANDARD_DEVICE_TYPE_NAMES, STANDARD_DEVICE_TYPES } from './device-types';

const NOW = Date.UTC(2026, 11, 3, 8, 0, 0);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('deviceReport', () => {
  // type, connected, last report (ms before now, null: never), expected state
  it.each<[string, boolean, number | null, DeviceReportState]>([
    // The walkthrough's camera: connected, last report 9 minutes old, heartbeat every minute.
    ['camera', true, 9 * MIN, 'overdue'],
    ['camera', true, 30 * S, 'online'],
    ['camera', true, 3 * MIN, 'online'], // exactly three intervals: not yet
    ['camera', true, 3 * MIN + 1, 'overdue'],
    ['camera', false, 30 * S, 'offline'], // its last will came after its last report
    ['camera', false, 9 * MIN, 'offline'], // offline says more than overdue
    ['camera', true, null, 'never'],
    ['camera', false, null, 'never'],
    // A battery smoke alarm reports twice a day: hours of silence are normal.
    ['smoke_detector', true, 9 * MIN, 'online'],
    ['smoke_detector', true, 20 * H, 'online'],
    ['smoke_detector', true, 36 * H + 1, 'overdue'],
    ['smoke_detector', false, 20 * H, 'offline'],
    // Mains-powered devices report every few minutes.
    ['electrical_fire', true, 10 * MIN, 'online'],
    ['electrical_fire', true, 16 * MIN, 'overdue'],
    ['elevator', true, 4 * MIN, 'overdue'],
    ['water_level', true, 29 * MIN, 'online'],
    ['water_level', true, 31 * MIN, 'overdue'],
    ['gas_detector', true, 91 * MIN, 'overdue'],
    // A type the registry added without a cadence: an hour, so three hours of silence.
    ['weather_station', true, 2 * H, 'online'],
    ['weather_station', true, 3 * H + 1, 'overdue'],
    // A report stamped after `now` (clocks a little apart) is fresh, not overdue.
    ['camera', true, -5 * S, 'online'],
  ])('%s, connected %s, last report %s ms ago → %s', (type, online, ago, state) => {
    const lastSeenAt = ago === null ? null : NOW - ago;
    expect(deviceReport({ type, online, lastSeenAt }, NOW).state).toBe(state);
  });

  it('says when the device last reported, how often it should, and how long a silence is allowed', () => {
    expect(deviceReport({ type: 'camera', online: true, lastSeenAt: NOW - 9 * MIN }, NOW)).toEqual({
      state: 'overdue',
      lastReportAt: NOW - 9 * MIN,
      intervalMs: MIN,
      overdueAfterMs: 3 * MIN,
    });
  });

  it('gives every standard type a report interval between a minute and a day', () => {
    for (const type of STANDARD_DEVICE_TYPE_NAMES) {
      const interval = STANDARD_DEVICE_TYPES[type].reportIntervalMs;
      expect(interval, type).toBeGreaterThanOrEqual(MIN);
      expect(interval, type).toBeLessThanOrEqual(24 * H);
      expect(reportIntervalOf(type)).toBe(interval);
    }
    expect(reportIntervalOf('weather_station')).toBe(DEFAULT_REPORT_INTERVAL_MS);
    expect(MISSED_REPORTS_FOR_OVERDUE).toBe(3);
  });
});

describe('isSilenceChange', () => {
  // Only the clock makes a device overdue (its status may have said online since the last look),
  // and a report after that brings it back; status messages announce the rest.
  const timed = new Set(['online→overdue', 'offline→overdue', 'never→overdue', 'overdue→online']);
  it.each(DEVICE_REPORT_STATES.flatMap((from) => DEVICE_REPORT_STATES.map((to) => [from, to] as const)))(
    '%s → %s',
    (from, to) => {
      expect(isSilenceChange(from, to)).toBe(timed.has(`${from}→${to}`));
    },
  );
});
