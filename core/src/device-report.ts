import { deviceTypeSpec } from './device-types';
import type { Device } from './model';

/**
 * A device's health as its reports show it, against what its type promises (device-types.ts):
 * - `online`  在线: connected, and it reported within the allowed silence;
 * - `overdue` 报告逾期: connected, but silent for longer than `overdueAfterMs`;
 * - `offline` 离线: its status says offline (its last will, or it said so itself);
 * - `never`   从未上报: nothing has been heard from it since it was registered.
 * An MQTT connection alone says only that a socket is open: a camera whose analytics hung, or a
 * gateway whose sensor fell off, stays connected and sends nothing.
 */
export type DeviceReportState = 'online' | 'overdue' | 'offline' | 'never';
export const DEVICE_REPORT_STATES: readonly DeviceReportState[] = ['online', 'overdue', 'offline', 'never'];

/**
 * A connected device is overdue once this many reports in a row are missing (GB/T 28181 calls a
 * camera offline after 3 missed keepalives; one late report is jitter, not a fault).
 */
export const MISSED_REPORTS_FOR_OVERDUE = 3;
/** For a type the registry added without a stated cadence. */
export const DEFAULT_REPORT_INTERVAL_MS = 3_600_000;

export interface DeviceReport {
  state: DeviceReportState;
  /** Its last message of any kind (a reading, an event, its own status), epoch ms. */
  lastReportAt: number | null;
  /** How often its type reports. */
  intervalMs: number;
  /** Silence allowed to a connected device before it is overdue. */
  overdueAfterMs: number;
}

export function reportIntervalOf(type: string): number {
  return deviceTypeSpec(type)?.reportIntervalMs ?? DEFAULT_REPORT_INTERVAL_MS;
}

/** What a device's connection and last report say as of `now` (pure: the caller brings the clock). */
export function deviceReport(
  device: Pick<Device, 'type' | 'online' | 'lastSeenAt'>,
  now: number,
): DeviceReport {
  const intervalMs = reportIntervalOf(device.type);
  const overdueAfterMs = MISSED_REPORTS_FOR_OVERDUE * intervalMs;
  const lastReportAt = device.lastSeenAt;
  const state: DeviceReportState =
    lastReportAt === null
      ? 'never'
      : !device.online
        ? 'offline'
        : now - lastReportAt > overdueAfterMs
          ? 'overdue'
          : 'online';
  return { state, lastReportAt, intervalMs, overdueAfterMs };
}

/** A device as the API shows it, with its report state as of `now`. */
export function withDeviceReport<T extends Pick<Device, 'type' | 'online' | 'lastSeenAt'>>(
  device: T,
  now: number,
): T & { report: DeviceReport } {
  return { ...device, report: deviceReport(device, now) };
}

/**
 * Whether this change between two looks is news no status message gave: a device falling
 * overdue (from online, or from offline or never when its status said online and it fell silent
 * before the next look), or reporting again after it had. Going offline or coming online is its
 * status message's news, already announced by ingest (`device.status_changed`).
 */
export function isSilenceChange(previous: DeviceReportState, next: DeviceReportState): boolean {
  return (previous !== 'overdue' && next === 'overdue') || (previous === 'overdue' && next === 'online');
}
