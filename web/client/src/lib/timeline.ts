import { CLOSE_REASONS, DECLINE_REASONS, RETURN_REASONS, UPSTREAM_REASONS } from '@gridsense/core';
import type {
  CloseReason,
  DeclineReason,
  ReturnReason,
  TimelineEntry,
  UpstreamReason,
} from '@gridsense/core';

type EntryReason = ReturnReason | CloseReason | DeclineReason | UpstreamReason;

/**
 * Readers for `TimelineEntry.data`, whose shape depends on the action. They accept what is there
 * and ignore anything unexpected rather than trusting the JSON.
 */

export function entryPhotos(entry: TimelineEntry): string[] {
  const photos = entry.data?.photos;
  return Array.isArray(photos) ? photos.filter((photo): photo is string => typeof photo === 'string') : [];
}

/** Why a case was returned (退单) or closed without handling (作废, 误报, 重复件, 不予立案, 非属地). */
export function entryReason(entry: TimelineEntry): EntryReason | null {
  const reason = entry.data?.reason;
  const known: readonly string[] = [
    ...RETURN_REASONS,
    ...CLOSE_REASONS,
    ...DECLINE_REASONS,
    ...UPSTREAM_REASONS,
  ];
  return typeof reason === 'string' && known.includes(reason) ? (reason as EntryReason) : null;
}

/** The metric that raised the case, if the opening entry recorded it (threshold rules do). */
export function triggerMetric(timeline: readonly TimelineEntry[]): string | null {
  for (const entry of timeline) {
    const metric = entry.data?.metric;
    if (typeof metric === 'string' && metric) return metric;
  }
  return null;
}

/** The camera frame that raised the case: an http(s) URL on the opening entry (event rules copy it). */
export function triggerSnapshot(timeline: readonly TimelineEntry[]): string | null {
  const snapshot = timeline[0]?.data?.snapshot;
  return typeof snapshot === 'string' && /^https?:\/\/\S+$/.test(snapshot) ? snapshot : null;
}

/** When the triggering reading was measured (it may predate the case), else when the case opened. */
export function triggerTime(timeline: readonly TimelineEntry[], openedAt: number): number {
  const readingAt = timeline[0]?.data?.readingAt;
  return typeof readingAt === 'number' && Number.isFinite(readingAt) ? readingAt : openedAt;
}

/** Whom a dispatch went to, and whether it overrode the rule list's pick (and whose pick that was). */
export function entryDispatch(
  entry: TimelineEntry,
): { assigneeName: string | null; override: boolean; suggestedName: string | null } | null {
  if (entry.action !== 'dispatch' || !entry.data) return null;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  return {
    assigneeName: text(entry.data.assigneeName),
    override: entry.data.override === true,
    suggestedName: text(entry.data.suggestedName),
  };
}
