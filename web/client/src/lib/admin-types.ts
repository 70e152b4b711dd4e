import type {
  ApiText,
  CaseCategoryNode,
  DispatchRule,
  NotificationView,
  RosterShift,
  Severity,
  SlaEntry,
  WorkCalendar,
} from '@gridsense/core';

/**
 * The admin API's answers. Channels and deliveries are declared in `state/` (server-only), so
 * their public shape is restated here; moving them to core/src/api.ts would let the compiler check it.
 */
export interface Department {
  id: string;
  name: string;
  regionId: string;
}

export interface CaseConfig {
  categories: CaseCategoryNode[];
  slas: SlaEntry[];
  departments: Department[];
  calendar: WorkCalendar;
  returnReasons: string[];
}

/** A shift with the name of whose it is (`userName`, null if that person is gone). */
export type RosterRow = RosterShift & { id: number; userName: string | null };

export interface ChannelRow {
  id: string;
  kind: string;
  name: string;
  url: string;
  /** Always masked ("***") or null. */
  secret: string | null;
  regionId: string;
  minSeverity: Severity;
  kinds: string[];
  enabled: boolean;
}

export interface DeliveryRow {
  message: Omit<NotificationView, 'at'> & {
    targetKind: string;
    targetId: string;
    /** The person's or channel's name, when it still exists. */
    targetName: string | null;
    severity: Severity;
    attempts: number;
    createdAt: number;
    status: string;
    sentAt: number | null;
    lastError: string | null;
    /** `lastError` as a key with parameters (`delivery.*`); null for none. */
    lastErrorText: ApiText | null;
  };
  attempts: {
    at: number;
    ok: boolean;
    statusCode: number | null;
    error: string | null;
    errorText: ApiText | null;
    durationMs: number;
  }[];
}

export type AdminData = {
  config: CaseConfig;
  /** Each with the names of the people it names (`userNames`, by user id). */
  dispatchRules: (DispatchRule & { userNames?: Record<string, string> })[];
  rosters: RosterRow[];
  channels: ChannelRow[];
  deliveries: DeliveryRow[];
};

/** A handler reference in one line: a department's or person's name, or the duty kind's label. */
export function handlerText(
  ref: DispatchRule['lead'],
  names: Record<string, string>,
  label: (kind: 'grid_duty' | 'community' | 'street') => string,
): string {
  if (ref.kind === 'department') return names[ref.departmentId] ?? ref.departmentId;
  if (ref.kind === 'user') return names[ref.userId] ?? ref.userId;
  return label(ref.kind);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Minutes after local midnight as HH:MM. */
export function clockText(minute: number): string {
  return `${pad(Math.floor(minute / 60) % 24)}:${pad(minute % 60)}`;
}
