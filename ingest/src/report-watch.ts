import {
  deviceReport,
  isSilenceChange,
  type Bus,
  type Device,
  type DeviceReport,
  type DeviceReportState,
} from '@gridsense/core';

/** How often silences are looked at: an overdue device shows within this of its deadline. */
export const REPORT_SWEEP_MS = 5000;

/**
 * Silence has no message to react to, so this looks at every device's last report now and then
 * and names the connected devices whose reports fell overdue, or came back, since the last look.
 * Online and offline are already announced by the status messages themselves.
 */
export class ReportWatch {
  private readonly states = new Map<string, DeviceReportState>();

  sweep(devices: Iterable<Device>, now: number): { device: Device; report: DeviceReport }[] {
    const changed: { device: Device; report: DeviceReport }[] = [];
    for (const device of devices) {
      const report = deviceReport(device, now);
      const previous = this.states.get(device.id);
      this.states.set(device.id, report.state);
      if (previous !== undefined && isSilenceChange(previous, report.state)) changed.push({ device, report });
    }
    return changed;
  }
}

/**
 * Sweeps the registry every `everyMs` and publishes each change as `device.status_changed` with
 * its report, so consoles recolour a device without asking. Returns the stop function.
 */
export function startReportWatch(deps: {
  devices: () => Iterable<Device>;
  bus: Bus;
  now: () => number;
  onError: (error: unknown, context: string) => void;
  everyMs?: number;
}): () => void {
  const watch = new ReportWatch();
  // The first look, now: the first sweep then compares, so a device that falls overdue before it
  // (a restart, a clock moved ahead) is announced rather than only learnt.
  watch.sweep(deps.devices(), deps.now());
  const timer = setInterval(() => {
    for (const { device, report } of watch.sweep(deps.devices(), deps.now())) {
      deps.bus
        .publish('device.status_changed', {
          deviceId: device.id,
          gridId: device.gridId,
          state: device.online ? 'online' : 'offline',
          at: report.lastReportAt ?? deps.now(),
          report,
        })
        .catch((error: unknown) => deps.onError(error, 'announce report state'));
    }
  }, deps.everyMs ?? REPORT_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
