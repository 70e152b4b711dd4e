import { deviceTypeSpec, STANDARD_DEVICE_TYPE_NAMES } from '@gridsense/core';
import type { DeviceView } from '@gridsense/core';

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
