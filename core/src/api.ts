import type { CaseRecord, CaseState } from './cases';
import type { Device, Region, User } from './model';

/** Views the web API returns; shared with the console so a renamed field is a compile error. */

export interface SessionView {
  token: string;
  user: User;
}

export interface CaseView extends CaseRecord {
  gridName: string;
  assigneeName: string | null;
  deviceName: string | null;
}

export interface TimelineEntry {
  id: number;
  caseId: string;
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  fromState: CaseState | null;
  toState: CaseState;
  note: string | null;
  data: Record<string, unknown> | null;
}

export interface CaseDetailView {
  case: CaseView;
  timeline: TimelineEntry[];
}

export interface RegionView extends Region {
  /** Open cases in this region's subtree, and the highest open severity (map colouring). */
  openCases: number;
  risk: 'red' | 'yellow' | 'green';
}

export interface DeviceView extends Device {
  latest: Record<string, { ts: number; value: number | boolean }>;
}

export interface OverviewView {
  regions: RegionView[];
  devices: DeviceView[];
}

export interface SeriesPoint {
  ts: number;
  value: number | null;
}
