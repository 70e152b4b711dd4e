import type { ApiText } from './api-texts';
import { DEFAULT_WORK_CALENDAR, type WorkCalendar } from './case-calendar';
import type { CaseSla, SlaClock } from './case-sla';
import type { RegionLevel, Role, Severity } from './model';

/** 上报 → 立案 → 派遣 → 签收 → 处置 → 办结 → 核查 → 结案, plus 退单 (returned) and 重新打开 (reopened). */
export type CaseState =
  | 'reported'
  | 'registered'
  | 'dispatched'
  | 'accepted'
  | 'in_progress'
  | 'resolved'
  | 'verified'
  | 'closed'
  | 'returned'
  | 'reopened';

export const CASE_STATES: readonly CaseState[] = [
  'reported',
  'registered',
  'dispatched',
  'accepted',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'returned',
  'reopened',
];

export const OPEN_CASE_STATES: readonly CaseState[] = CASE_STATES.filter((s) => s !== 'closed');

/** Open and not yet resolved: someone still has to act on the ground (fusion targets, escalation). */
export const ACTIVE_CASE_STATES: readonly CaseState[] = CASE_STATES.filter(
  (s) => s !== 'closed' && s !== 'resolved' && s !== 'verified',
);

export type CaseSource = 'auto' | 'patrol' | 'hotline';

/** Who supervises a case now: it starts at the grid and climbs on breaches and bounces. */
export const ESCALATION_LEVELS: readonly RegionLevel[] = ['grid', 'community', 'street', 'district'];

export function nextEscalationLevel(level: RegionLevel): RegionLevel | undefined {
  return ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(level) + 1];
}

export interface CaseRecord {
  id: string;
  title: string;
  /** Top-level taxonomy key (e.g. `fire_safety`); subcategory and type refine it. */
  category: string;
  subcategory: string | null;
  caseType: string | null;
  severity: Severity;
  state: CaseState;
  source: CaseSource;
  description: string | null;
  gridId: string;
  location: { lat: number; lng: number } | null;
  address: string | null;
  deviceId: string | null;
  ruleId: string | null;
  /** The lead handler (主办); co-handlers (协办) are told but do not move the case. */
  assigneeId: string | null;
  coHandlerIds: string[];
  departmentId: string | null;
  /** Who dispatched last ('system' or a person): a return goes back to them, never sideways. */
  dispatcherId: string | null;
  /** The person who reported it (patrol worker, hotline operator); may give feedback. */
  reporterId: string | null;
  resolvedById: string | null;
  returnCount: number;
  occurrences: number;
  /** Whether the condition that raised the case is still present (it may clear first). */
  riskActive: boolean;
  /** Safety categories need at least one photo to resolve. */
  photoRequired: boolean;
  escalationLevel: RegionLevel;
  escalatedAt: number | null;
  /** Set while waiting on another department; the clocks stop. */
  pausedAt: number | null;
  pauseReason: string | null;
  /** A parent case (e.g. a community power cut) this case belongs under. */
  parentId: string | null;
  openedAt: number;
  updatedAt: number;
  /** When the last risk or report joined this case (the fusion window runs from here). */
  lastSignalAt: number;
  dispatchedAt: number | null;
  firstDispatchedAt: number | null;
  acceptedAt: number | null;
  acceptedOnTime: boolean | null;
  arrivedAt: number | null;
  resolvedAt: number | null;
  resolvedOnTime: boolean | null;
  closedAt: number | null;
  /** 立案 clock: a human report waits for the desk to register it until then (null once decided). */
  registerDueAt: number | null;
  /** 派遣 clock: a registered, returned or reopened case must be dispatched by then. */
  dispatchDueAt: number | null;
  /** Since when the case has waited for a dispatch (the dispatch clock's window start). */
  awaitingDispatchSince: number | null;
  acceptDueAt: number | null;
  arriveDueAt: number | null;
  resolveDueAt: number | null;
  /** Clocks whose breach actions (overdue notice, 督办) were taken, so none is taken twice. */
  breachActed: SlaClock[];
  /** Clocks whose "deadline soon" reminder went out (so a restart does not send it twice). */
  remindedClocks: SlaClock[];
  lastNotifiedAt: number | null;
  satisfaction: number | null;
  feedbackAt: number | null;
  /** Why a case was closed without being handled (作废, 误报, 重复件, 不予立案, 非属地); null for a handled one. */
  closeReason: CloseReason | null;
  /** The case a duplicate (重复件) repeats. */
  duplicateOfId: string | null;
  /** Who returned the case last (退单), so it is not suggested straight back to them. */
  returnedById: string | null;
  /** A 延期 request waiting for the level above; the clocks keep running until it is approved. */
  extensionRequest: ExtensionRequest | null;
  /** 督办: under supervision since, by whom ('system' for an automatic trigger) and why. */
  supervisedAt: number | null;
  supervisedById: string | null;
  supervisionReason: string | null;
}

/** 延期: the handler asks for N more working days on the resolve deadline, with why. */
export interface ExtensionRequest {
  days: number;
  reason: string;
  requestedById: string;
  requestedAt: number;
}

/** The most working days one 延期 request may ask for. */
export const MAX_EXTENSION_DAYS = 30;

/** Why the platform itself put a case under 督办 (the reason stored for an automatic trigger). */
export type AutoSupervisionReason = 'reopened' | `${SlaClock}_overdue`;

/** Closing a case without handling it: 作废 (void), 误报 (false alarm), 重复件 (duplicate of another case). */
export type VoidReason = 'void' | 'false_alarm' | 'duplicate';
export const VOID_REASONS: readonly VoidReason[] = ['void', 'false_alarm', 'duplicate'];

/**
 * Why a case ended without being handled, as stored on it: the three of 作废, plus 不予立案
 * (`declined`: the desk decided at registration that it is not a case) and 非属地 (`returned_upstream`:
 * a hotline case sent back to the hotline, belonging to another district or outside the street's
 * remit). Every rate leaves such cases out and counts them apart per reason.
 */
export type CloseReason = VoidReason | 'declined' | 'returned_upstream';
export const CLOSE_REASONS: readonly CloseReason[] = [...VOID_REASONS, 'declined', 'returned_upstream'];

/** 不予立案: a duplicate (naming the case it repeats), not a governance matter, too little to act on, other. */
export type DeclineReason = 'duplicate' | 'not_governance' | 'insufficient_info' | 'other';
export const DECLINE_REASONS: readonly DeclineReason[] = [
  'duplicate',
  'not_governance',
  'insufficient_info',
  'other',
];

/** 非属地: the matter lies in another district, or with a department outside the street's remit. */
export type UpstreamReason = 'other_district' | 'outside_remit';
export const UPSTREAM_REASONS: readonly UpstreamReason[] = ['other_district', 'outside_remit'];

export type ReturnReason =
  | 'not_my_grid'
  | 'wrong_category'
  | 'duplicate'
  | 'needs_department'
  | 'not_my_duty'
  | 'cannot_locate'
  | 'other';
export const RETURN_REASONS: readonly ReturnReason[] = [
  'not_my_grid',
  'wrong_category',
  'duplicate',
  'needs_department',
  'not_my_duty',
  'cannot_locate',
  'other',
];

/** Where the phone was at 到达 (when the person allowed it): WGS-84 degrees, accuracy in metres. */
export interface ArrivalPosition {
  lat: number;
  lng: number;
  accuracyM: number | null;
}

export type CaseCommand =
  | { action: 'register' }
  | {
      action: 'dispatch';
      assigneeId: string;
      coHandlerIds?: string[];
      departmentId?: string | null;
      note?: string;
    }
  | { action: 'accept' }
  | { action: 'return'; reason: ReturnReason; note?: string }
  | { action: 'arrive'; photos?: string[]; position?: ArrivalPosition }
  | { action: 'pause'; reason: string }
  | { action: 'resume' }
  | { action: 'resolve'; note: string; photos?: string[] }
  | { action: 'verify'; note?: string }
  /** 核查不通过, 退回重办: back to the same handler to do again, with what is wrong. */
  | { action: 'reject'; note: string }
  /** 作废 / 误报 / 重复件: closed without handling; a duplicate names the case it repeats. */
  | { action: 'void'; reason: VoidReason; note?: string; duplicateOfId?: string }
  /** 不予立案: a reported case is not registered; a duplicate names the case it repeats, the others say why. */
  | { action: 'decline'; reason: DeclineReason; note?: string; duplicateOfId?: string }
  /** 非属地: a hotline case goes back to the hotline, with where it belongs (note). */
  | { action: 'return_upstream'; reason: UpstreamReason; note: string }
  | { action: 'close' }
  | { action: 'feedback'; satisfaction: number; solved: boolean; comment?: string }
  | { action: 'reopen'; note: string }
  | { action: 'escalate'; reason: string; level?: RegionLevel }
  /** 延期申请: N more working days on the resolve deadline, decided by the level above. */
  | { action: 'request_extension'; days: number; reason: string }
  | { action: 'approve_extension'; note?: string }
  | { action: 'refuse_extension'; reason: string }
  /** 督办: put under supervision (with why), and lift it. */
  | { action: 'supervise'; reason: string }
  | { action: 'unsupervise'; note?: string };

export type CaseAction = CaseCommand['action'];
export const CASE_ACTIONS: readonly CaseAction[] = [
  'register',
  'dispatch',
  'accept',
  'return',
  'arrive',
  'pause',
  'resume',
  'resolve',
  'verify',
  'reject',
  'void',
  'decline',
  'return_upstream',
  'close',
  'feedback',
  'reopen',
  'escalate',
  'request_extension',
  'approve_extension',
  'refuse_extension',
  'supervise',
  'unsupervise',
];

/** Who acts: a person (scope already checked by the service) or the platform itself. */
export interface CaseActor {
  id: string;
  role: Role | 'system';
}

export type CaseEffect =
  | { type: 'notify'; userId: string; reason: 'assigned' | 'co_assigned' | 'reopened' | 'rejected' }
  /** Back to the dispatcher's queue (a return never goes sideways to another worker). */
  | { type: 'await_dispatch' }
  /** Dispatch through the rule list (just registered, or reopened after verification or feedback). */
  | { type: 'redispatch' }
  /** Tell the people of this level: a deadline passed, a case bounced too often, or someone blew the whistle. */
  | { type: 'escalate'; level: RegionLevel; reason: string };

export type TransitionResult =
  | { ok: true; next: CaseRecord; effects: CaseEffect[] }
  | {
      ok: false;
      code: 'invalid_transition' | 'forbidden' | 'validation_failed';
      message: string;
      /** The refusal's key, for the reader's language; absent while it is prose only. */
      text?: ApiText;
    };

/** What a move may depend on besides the case: limits, the case's SLA and the calendar. */
export interface TransitionPolicy {
  /** Returns allowed before the case goes to the street automatically. */
  returnLimit: number;
  /** The case's deadlines; without it, moves leave the stored deadlines as they are. */
  sla?: CaseSla;
  calendar: WorkCalendar;
}

export const DEFAULT_TRANSITION_POLICY: TransitionPolicy = {
  returnLimit: 2,
  calendar: DEFAULT_WORK_CALENDAR,
};

/** Categories whose resolution needs on-site photo evidence (the taxonomy can mark more). */
export const SAFETY_CATEGORIES: readonly string[] = [
  'fire_safety',
  'gas_safety',
  'structural_safety',
  'flood',
];
