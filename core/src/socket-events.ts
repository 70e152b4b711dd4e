import type { CaseView, NotificationView } from './api';
import type { DeviceState } from './reading';
import type { DeviceReport } from './device-report';

/** Real-time events, shared by the server and the console (`noun:verb`). */
export interface ServerToClientEvents {
  'case:updated': (view: CaseView) => void;
  /** A grouped notice for this person (assigned, reminder, escalated, returned …). */
  'notification:new': (notice: NotificationView) => void;
  /** Online/offline; with `report`, a connected device's reports fell overdue or came back. */
  'device:status': (update: {
    deviceId: string;
    gridId: string;
    state: DeviceState;
    at: number;
    report?: DeviceReport;
  }) => void;
  'device:readings': (update: {
    gridId: string;
    readings: { deviceId: string; ts: number; metrics: Record<string, number | boolean> }[];
  }) => void;
}

export interface ClientToServerEvents {
  /** Follow live readings of one grid (e.g. while its panel is open). */
  'grid:watch': (gridId: string, ack: (result: { ok: boolean; error?: string }) => void) => void;
  'grid:unwatch': (gridId: string) => void;
}
