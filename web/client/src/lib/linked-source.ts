import { photoIdOf, type CaseSource, type Severity, type TimelineEntry } from '@gridsense/core';

/**
 * Readers for what fusion writes on the timeline: the signal a `linked` (`suppressed_child`, `merged`)
 * entry brought in, and the cases a `possibly_related` entry names. They accept what is there and
 * ignore anything unexpected rather than trusting the JSON.
 */

export interface LinkedSource {
  kind: CaseSource;
  title: string;
  deviceId: string | null;
  deviceName: string | null;
  deviceType: string | null;
  /** Evidence photos (GridSense photo paths) and a camera frame address. */
  photos: string[];
  snapshot: string | null;
  address: string | null;
  location: { lat: number; lng: number } | null;
  gridId: string | null;
  caller: string | null;
  reporterName: string | null;
  severityRaised: { from: Severity; to: Severity } | null;
}

const KINDS: readonly CaseSource[] = ['auto', 'patrol', 'hotline'];
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const severity = (value: unknown): Severity | null =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value) ? (value as Severity) : null;

const JOINING_ACTIONS = ['linked', 'suppressed_child', 'merged'];

export function entryLinkedSource(entry: TimelineEntry): LinkedSource | null {
  const data = entry.data;
  if (!JOINING_ACTIONS.includes(entry.action) || !data) return null;
  const kind = KINDS.find((k) => k === data.kind);
  const title = text(data.title);
  if (!kind || !title) return null;
  const photos = Array.isArray(data.photos)
    ? data.photos.filter((p): p is string => photoIdOf(p) !== undefined)
    : [];
  const snapshot = text(data.snapshot);
  const loc = data.location as { lat?: unknown; lng?: unknown } | null | undefined;
  const location =
    loc && typeof loc.lat === 'number' && typeof loc.lng === 'number' ? { lat: loc.lat, lng: loc.lng } : null;
  const raised = data.severityRaised as { from?: unknown; to?: unknown } | null | undefined;
  const from = severity(raised?.from);
  const to = severity(raised?.to);
  return {
    kind,
    title,
    deviceId: text(data.deviceId),
    deviceName: text(data.deviceName),
    deviceType: text(data.deviceType),
    photos,
    snapshot: snapshot && (photoIdOf(snapshot) || /^https?:\/\/\S+$/.test(snapshot)) ? snapshot : null,
    address: text(data.address),
    location,
    gridId: text(data.gridId),
    caller: text(data.caller),
    reporterName: text(data.reporterName),
    severityRaised: from && to ? { from, to } : null,
  };
}

export interface RelatedCase {
  id: string;
  title: string;
  source: CaseSource | null;
}

/** The cases a `possibly_related` entry names. */
export function entryRelatedCases(entry: TimelineEntry): RelatedCase[] {
  if (entry.action !== 'possibly_related' || !Array.isArray(entry.data?.cases)) return [];
  return (entry.data.cases as unknown[]).flatMap((c) => {
    const item = c as { id?: unknown; title?: unknown; source?: unknown } | null;
    const id = text(item?.id);
    const title = text(item?.title);
    if (!id || !title) return [];
    return [{ id, title, source: KINDS.find((k) => k === item?.source) ?? null }];
  });
}
