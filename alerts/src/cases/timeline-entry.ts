import type { CaseRecord } from '@gridsense/core';
import type { NewTimelineEntry } from '@gridsense/state';

/** A case's timeline entry for a change from one version to the next (`from` null for a new case). */
export function timelineEntry(
  actor: { id: string; name: string },
  action: string,
  from: CaseRecord | null,
  to: CaseRecord,
  note: string | null = null,
  data: Record<string, unknown> | null = null,
): NewTimelineEntry {
  return {
    at: to.updatedAt,
    actorId: actor.id,
    actorName: actor.name,
    action,
    fromState: from?.state ?? null,
    toState: to.state,
    note,
    data,
  };
}
