import type { ApiText } from './api-texts';
import type { CaseRecord, CaseSource, CaseState } from './cases';
import type { RequesterView } from './case-intake';
import type { AccountableUnit, CaseStats, UnitRates } from './case-stats';
import type { DeviceConnectionView } from './device-connection';
import type { DeviceReport } from './device-report';
import type { BaseMap } from './map-tiles';
import type { Device, DutyKind, Region, Role, Severity, User } from './model';

/** Views the web API returns; shared with the console so a renamed field is a compile error. */

/** The signed-in session; its token travels only in an HttpOnly cookie, never in a body. */
export interface SessionView {
  user: User;
  /** An administrator issued the password, or it is older than the maximum age: change it first. */
  passwordChangeRequired: boolean;
  /** The session ends after this long without an API request. */
  idleTimeoutMs: number;
  /** The session ends at this time (epoch ms) whatever the activity. */
  expiresAt: number;
  /** Two-factor sign-in is on for this person. */
  totpEnabled: boolean;
  /** The role requires two-factor sign-in and it is not set up: only enrolling is allowed. */
  totpEnrolmentRequired: boolean;
}

/** A started two-factor enrolment (`POST /api/me/totp`): what the authenticator app needs. */
export interface TotpEnrolmentView {
  /** Base32, for typing into the app by hand. */
  secret: string;
  /** `otpauth://totp/GridSense:<username>?secret=…&issuer=GridSense` */
  uri: string;
  /** The URI as a QR code: an SVG `data:` URL. */
  qrCode: string;
}

/** A confirmed enrolment: the recovery codes, shown this once (only their hashes are kept). */
export interface TotpConfirmedView {
  session: SessionView;
  recoveryCodes: string[];
}

export interface CaseView extends CaseRecord {
  gridName: string;
  assigneeName: string | null;
  deviceName: string | null;
  /** zh-CN names of the taxonomy nodes (the keys are on the record). */
  categoryName: string | null;
  departmentName: string | null;
  coHandlers: { id: string; name: string }[];
  /** Hotline caller, always masked here (张*, 138****5678). */
  requester: RequesterView | null;
  /** Risks and reports joined into this case (the first one included). */
  sourceCount: number;
  /** Child risks swallowed by this parent case (e.g. devices offline under a power cut). */
  suppressedCount: number;
}

/** One risk or report that joined a case: its own cause, a fused neighbour, or a suppressed child. */
export interface CaseSourceView {
  id: number;
  caseId: string;
  kind: CaseSource;
  deviceId: string | null;
  deviceName: string | null;
  ruleId: string | null;
  category: string;
  eventType: string | null;
  snapshot: string | null;
  /** Whether this cause's condition is still present. */
  active: boolean;
  suppressed: boolean;
  /** How many times it fired while joined. */
  count: number;
  firstAt: number;
  lastAt: number;
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
  sources: CaseSourceView[];
  /** Cases linked under this one as their parent. */
  childIds: string[];
}

/** Where a dispatch candidate comes from: the handler reference of the rule list that names them. */
export type CandidateSource = 'grid_duty' | 'community' | 'street' | 'department' | 'user';

/** One person an operator may dispatch a case in a grid to (on duty now, by roster). */
export interface DispatchCandidateView {
  userId: string;
  name: string;
  role: Role;
  source: CandidateSource;
  duty: DutyKind;
  departmentId: string | null;
  departmentName: string | null;
}

/** The people who can take a case in a grid, and, for a given case, whom the rule list would pick. */
export interface DispatchPeopleView {
  gridId: string;
  candidates: DispatchCandidateView[];
  suggestion: { leadId: string; coHandlerIds: string[]; ruleId: string } | null;
}

/** A grouped notice for one person: one per incident and window, not one per event. */
export interface NotificationView {
  id: number;
  kind: NoticeKind;
  title: string;
  lines: string[];
  caseIds: string[];
  /** How many notices were grouped into this one. */
  count: number;
  /** The highest severity of the grouped notices (a critical one is announced with a sound). */
  severity: Severity;
  /** Whether its reader has marked it read. */
  read: boolean;
  at: number;
  /** A `report` notice's report (it links there rather than to a case). */
  reportId?: number;
  /** A notice about a place (a missed inspection): it links to the places rather than to a case. */
  placeId?: string;
}

/** How many of a person's notices are unread (`GET /api/notifications/unread`, and after marking read). */
export interface UnreadNoticesView {
  unread: number;
}

/** What a notice tells its reader; channels subscribe to some of them. */
export const NOTICE_KINDS = [
  'opened',
  'assigned',
  'co_assigned',
  'reminder',
  'repeat',
  'escalated',
  'returned',
  'reopened',
  'linked',
  /** A fused signal raised a case's severity (the desk hears it, never silently). */
  'severity_raised',
  'resolved',
  /** A 日点评 / 周提示 / 月通报 was published (to the region's channels and its readers). */
  'report',
  /** A 重点场所's 巡检 passed its due time undone (escalating it further is `escalated`). */
  'inspection_overdue',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface AuditEntryView {
  seq: number;
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match, when not ok. */
  brokenAt: number | null;
  reason: string | null;
  /** The reason's key, for the reader's language. */
  reasonText: ApiText | null;
  /** The last entry's hash (checked entries only). */
  headHash: string;
  /**
   * The newest head anchored outside the database, which the chain must still reach; entries after
   * it could vanish unnoticed until the next anchor. Null when nothing was anchored yet.
   */
  anchor: { seq: number; at: number } | null;
}

/** Analytics with the ids of each breakdown named for people. */
export interface CaseStatsView extends CaseStats {
  /** 三率, MTTA/MTTR per grid, lead worker, department, community and street; voided apart. */
  units: Record<AccountableUnit, UnitRates[]>;
  names: Record<string, string>;
  definitions: Record<string, string>;
}

export interface RegionView extends Region {
  /** Open cases in this region's subtree. */
  openCases: number;
  /** Of those, the ones with any clock past its deadline (超时未结), shown apart from the colour. */
  overdueCases: number;
  /**
   * The map colour: the highest severity among risks active now (open cases whose source is still
   * in alarm), not every open case; a cleared risk stops colouring its grid.
   */
  risk: 'red' | 'yellow' | 'green';
}

export interface DeviceView extends Device {
  latest: Record<string, { ts: number; value: number | boolean }>;
  /** Online, report overdue, offline or never reported, as of the answer (device-report.ts). */
  report: DeviceReport;
}

/** A device as the registry lists it for engineers: never its secret or hash. */
export interface DeviceRegistryView extends Device {
  enabled: boolean;
  report: DeviceReport;
  /** Rejected messages so far, all reasons together. */
  rejects: number;
}

/** A newly issued device secret: shown once, only its hash is stored. */
export interface IssuedSecretView {
  device: DeviceRegistryView;
  secret: string;
  /** How the device connects with it: broker addresses, client id, topics. */
  connection: DeviceConnectionView;
}

export interface OverviewView {
  regions: RegionView[];
  devices: DeviceView[];
  /** Tiles to draw under the map (GRIDSENSE_MAP_TILES); null: the grids alone. */
  baseMap: BaseMap | null;
}

export interface SeriesPoint {
  ts: number;
  value: number | null;
}
