import {
  addSpan,
  maskName,
  maskPhone,
  severityRank,
  type CaseActor,
  type CaseRecord,
  type CaseSource,
  type Severity,
} from '@gridsense/core';
import type { NewCaseSource } from '@gridsense/state';
import { slaFor, type CasePolicy } from './policy';

/** A new matter from any channel, before it is known whether it opens a case or joins one. */
export interface CaseDraft {
  source: CaseSource;
  title: string;
  description: string | null;
  category: string;
  subcategory: string | null;
  caseType: string | null;
  severity: Severity;
  gridId: string;
  location: { lat: number; lng: number } | null;
  address: string | null;
  deviceId: string | null;
  ruleId: string | null;
  eventType: string | null;
  snapshot: string | null;
  /** The person who reported it (patrol worker, hotline operator), or none for sensors. */
  reporter: (CaseActor & { name: string }) | null;
  /** What goes into the `report` timeline entry (the reading, the photos, the call). */
  trigger: Record<string, unknown> | null;
  requester?: { name: string; phone: string };
  /** The operator's own choice of lead instead of the rule list's (recorded as an override). */
  override?: { assigneeId: string; note: string | null };
  selfHandle?: boolean;
  /** Opened by the desk itself (an early warning turned into a case): 立案 is decided with it. */
  openedByDesk?: boolean;
}

export type IntakeOutcome = { caseId: string; outcome: 'opened' | 'fused' | 'suppressed' };

export function sourceOf(draft: CaseDraft, at: number, suppressed: boolean): NewCaseSource {
  return {
    kind: draft.source,
    deviceId: draft.deviceId,
    ruleId: draft.ruleId,
    category: draft.category,
    eventType: draft.eventType,
    snapshot: draft.snapshot,
    active: draft.source === 'auto',
    suppressed,
    at,
  };
}

/** What a joining source looks like in the timeline (a hotline caller stays masked). */
export function describeSource(
  draft: CaseDraft,
  device?: { name: string; type: string; lat: number; lng: number },
): Record<string, unknown> {
  const photos = draft.trigger?.photos;
  const place = draft.location ?? (device ? { lat: device.lat, lng: device.lng } : null);
  return {
    kind: draft.source,
    category: draft.category,
    ...(draft.deviceId ? { deviceId: draft.deviceId, ruleId: draft.ruleId } : {}),
    ...(device ? { deviceName: device.name, deviceType: device.type } : {}),
    ...(draft.eventType ? { eventType: draft.eventType } : {}),
    ...(draft.snapshot ? { snapshot: draft.snapshot } : {}),
    ...(Array.isArray(photos) && photos.length > 0 ? { photos } : {}),
    ...(place ? { location: place } : {}),
    ...(draft.address ? { address: draft.address } : {}),
    gridId: draft.gridId,
    severity: draft.severity,
    ...(draft.requester
      ? { caller: `${maskName(draft.requester.name)} ${maskPhone(draft.requester.phone)}` }
      : {}),
    ...(draft.reporter ? { reporterId: draft.reporter.id, reporterName: draft.reporter.name } : {}),
    title: draft.title,
  };
}

/** A case's deadlines brought forward for a worse severity (never extended). */
export function tightenForSeverity(policy: CasePolicy, record: CaseRecord, severity: Severity): CaseRecord {
  if (severityRank(severity) <= severityRank(record.severity)) return record;
  const sla = slaFor(policy, { ...record, severity });
  const tighten = (due: number | null, from: number | null, span: string) =>
    due === null || from === null ? due : Math.min(due, addSpan(from, span, policy.calendar));
  return {
    ...record,
    severity,
    acceptDueAt: tighten(record.acceptDueAt, record.dispatchedAt, sla.accept),
    arriveDueAt: tighten(record.arriveDueAt, record.acceptedAt, sla.arrive),
    resolveDueAt: tighten(record.resolveDueAt, record.openedAt, sla.resolve),
  };
}

/** The reported (上报) case a draft opens, before registration and dispatch. */
export function newCaseRecord(
  draft: CaseDraft,
  id: string,
  at: number,
  photoRequired: boolean,
  resolveDueAt: number,
): CaseRecord {
  return {
    id,
    title: draft.title,
    category: draft.category,
    subcategory: draft.subcategory,
    caseType: draft.caseType,
    severity: draft.severity,
    state: 'reported',
    source: draft.source,
    description: draft.description,
    gridId: draft.gridId,
    location: draft.location,
    address: draft.address,
    deviceId: draft.deviceId,
    ruleId: draft.ruleId,
    assigneeId: null,
    coHandlerIds: [],
    departmentId: null,
    dispatcherId: null,
    reporterId: draft.reporter?.id ?? null,
    resolvedById: null,
    returnCount: 0,
    occurrences: 1,
    riskActive: draft.source === 'auto',
    photoRequired,
    escalationLevel: 'grid',
    escalatedAt: null,
    pausedAt: null,
    pauseReason: null,
    parentId: null,
    openedAt: at,
    updatedAt: at,
    lastSignalAt: at,
    dispatchedAt: null,
    firstDispatchedAt: null,
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
    acceptDueAt: null,
    arriveDueAt: null,
    resolveDueAt,
    remindedClocks: [],
    lastNotifiedAt: null,
    satisfaction: null,
    feedbackAt: null,
    closeReason: null,
    duplicateOfId: null,
    returnedById: null,
    extensionRequest: null,
    supervisedAt: null,
    supervisedById: null,
    supervisionReason: null,
  };
}
