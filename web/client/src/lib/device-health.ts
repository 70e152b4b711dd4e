import {
  deviceReport,
  deviceTypeSpec,
  STANDARD_DEVICE_TYPE_NAMES,
  type DeviceReportState,
  type DeviceView,
  type ServerToClientEvents,
} from '@gridsense/core';

/** How a device is doing: its metrics (with units from the device contract) and bad-data counts. */

export interface MetricRow {
  metric: string;
  kind: 'number' | 'boolean';
  unit: string;
  latest: { ts: number; value: number | boolean } | null;
}

/**
 * The type's standard metrics in contract order (so a silent metric still shows, as "no data"),
 * then anything else the device has reported.
 */
export function metricRows(type: string, latest: DeviceView['latest']): MetricRow[] {
  const spec = deviceTypeSpec(type)?.metrics ?? {};
  const rows: MetricRow[] = Object.entries(spec).map(([metric, { unit, kind }]) => ({
    metric,
    kind,
    unit,
    latest: latest[metric] ?? null,
  }));
  for (const [metric, value] of Object.entries(latest)) {
    if (metric in spec) continue;
    rows.push({
      metric,
      kind: typeof value.value === 'boolean' ? 'boolean' : 'number',
      unit: '',
      latest: value,
    });
  }
  return rows;
}

/** One reject reason's tally, as GET /api/devices/:id returns it. */
export interface RejectTally {
  reason: string;
  count: number;
  lastDetail: string;
  lastAt: number;
}

export interface DeviceDetail extends DeviceView {
  rejects: RejectTally[];
}

/** Most recent trouble first. */
export function sortRejects(rejects: readonly RejectTally[]): RejectTally[] {
  return [...rejects].sort((a, b) => b.lastAt - a.lastAt || b.count - a.count);
}

export function totalRejects(rejects: readonly RejectTally[]): number {
  return rejects.reduce((sum, reject) => sum + reject.count, 0);
}

const typeOrder = (type: string): number => {
  const index = (STANDARD_DEVICE_TYPE_NAMES as readonly string[]).indexOf(type);
  return index === -1 ? Infinity : index;
};

/**
 * Metrics a set of devices report, for the grid page's chart menu: numeric first, in the contract's
 * order of device types (smoke before gas before electrical…), so the default is the usual alarm.
 */
export function chartableMetrics(devices: readonly Pick<DeviceView, 'type' | 'latest'>[]): MetricRow[] {
  const seen = new Map<string, MetricRow>();
  for (const device of [...devices].sort((a, b) => typeOrder(a.type) - typeOrder(b.type))) {
    for (const row of metricRows(device.type, device.latest))
      if (!seen.has(row.metric)) seen.set(row.metric, row);
  }
  const rows = [...seen.values()];
  return [...rows.filter((row) => row.kind === 'number'), ...rows.filter((row) => row.kind === 'boolean')];
}

/** "江城社区第1网格 烟感 1号" shown inside 江城社区第1网格 reads better as "烟感 1号". */
export function shortDeviceName(name: string, gridName: string | undefined): string {
  if (!gridName || !name.startsWith(gridName)) return name;
  const rest = name.slice(gridName.length).trim();
  return rest || name;
}

type StatusUpdate = Parameters<ServerToClientEvents['device:status']>[0];
type LiveDevice = Pick<DeviceView, 'type' | 'online' | 'lastSeenAt' | 'report'>;

/**
 * A pushed status: online or offline (its report state follows, by the same rule the server
 * uses), or the server's word that a connected device's reports fell overdue or came back.
 */
export function applyDeviceStatus<T extends LiveDevice>(device: T, update: StatusUpdate, now: number): T {
  const online = update.state === 'online';
  const lastSeenAt = Math.max(device.lastSeenAt ?? 0, update.at);
  const report = update.report ?? deviceReport({ type: device.type, online, lastSeenAt }, now);
  return { ...device, online, lastSeenAt, report };
}

/** A pushed reading is a report: the device is connected and reporting. */
export function applyDeviceReading<T extends LiveDevice>(device: T, ts: number, now: number): T {
  const lastSeenAt = Math.max(device.lastSeenAt ?? 0, ts);
  return {
    ...device,
    online: true,
    lastSeenAt,
    report: deviceReport({ ...device, online: true, lastSeenAt }, now),
  };
}

/** Devices that need a look first: offline, then overdue, then never heard from, then online. */
const ATTENTION: Record<DeviceReportState, number> = { offline: 0, overdue: 1, never: 2, online: 3 };

export function byAttention(a: LiveDevice & { name: string }, b: LiveDevice & { name: string }): number {
  return ATTENTION[a.report.state] - ATTENTION[b.report.state] || a.name.localeCompare(b.name, 'zh-CN');
}
