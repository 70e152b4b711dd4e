import { DEFAULT_WORK_CALENDAR } from './case-calendar';
import type { CaseActor, CaseRecord, CaseState, TransitionPolicy } from './case-types';

/** Shared by the case unit tables (not exported from the package). */
export const NOW = 1_795_300_000_000;

/** Local time in UTC+8 as epoch ms (month 1–12). */
export function beijing(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute);
}

export const caseIn = (state: CaseState, extra: Partial<CaseRecord> = {}): CaseRecord => ({
  id: 'c-1',
  title: 'Gas leak at building 3',
  category: 'gas_safety',
  subcategory: null,
  caseType: null,
  severity: 'critical',
  state,
  source: 'auto',
  description: null,
  gridId: 'g-1',
  location: null,
  address: null,
  deviceId: 'gd-1',
  ruleId: 'r-gas',
  assigneeId: 'w1',
  coHandlerIds: [],
  departmentId: null,
  dispatcherId: 'system',
  reporterId: null,
  resolvedById: 'w1',
  returnCount: 0,
  occurrences: 1,
  riskActive: true,
  photoRequired: false,
  escalationLevel: 'grid',
  escalatedAt: null,
  pausedAt: null,
  pauseReason: null,
  parentId: null,
  openedAt: NOW - 3_600_000,
  updatedAt: NOW - 60_000,
  lastSignalAt: NOW - 3_600_000,
  dispatchedAt: NOW - 3_600_000,
  firstDispatchedAt: NOW - 3_600_000,
  acceptedAt: null,
  acceptedOnTime: null,
  arrivedAt: null,
  resolvedAt: null,
  resolvedOnTime: null,
  closedAt: null,
  registerDueAt: null,
  dispatchDueAt: null,
  awaitingDispatchSince: null,
  breachActed: [],
  acceptDueAt: NOW + 600_000,
  arriveDueAt: null,
  resolveDueAt: NOW + 7_200_000,
  remindedClocks: [],
  lastNotifiedAt: NOW - 3_600_000,
  satisfaction: null,
  feedbackAt: null,
  closeReason: null,
  duplicateOfId: null,
  returnedById: null,
  extensionRequest: null,
  supervisedAt: null,
  supervisedById: null,
  supervisionReason: null,
  ...extra,
});

export const ACTORS = {
  worker: { id: 'w1', role: 'grid_worker' },
  otherWorker: { id: 'w2', role: 'grid_worker' },
  operator: { id: 'op1', role: 'operator' },
  supervisor: { id: 'sv1', role: 'supervisor' },
  admin: { id: 'ad1', role: 'admin' },
  system: { id: 'system', role: 'system' },
  handler: { id: 'h1', role: 'handler' },
} satisfies Record<string, CaseActor>;

export const POLICY: TransitionPolicy = {
  returnLimit: 2,
  calendar: DEFAULT_WORK_CALENDAR,
  sla: { accept: '10m', arrive: '30m', resolve: '2h', repeatEveryMinutes: 5, escalateEveryMinutes: 15 },
};
