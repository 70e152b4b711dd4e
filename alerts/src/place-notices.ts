import type { InspectionEscalation, NoticeText, PlaceInspectionView, WorkCalendar } from '@gridsense/core';
import type { PlaceRecord } from '@gridsense/state';
import type { Directory } from './cases/directory';
import type { Notifier, SubjectNotice } from './cases/notices';

/** Who hears of a missed inspection at each step, and what they read. */
export type InspectionNoticeFor = (
  place: PlaceRecord,
  inspection: PlaceInspectionView,
  step: InspectionEscalation,
  at: number,
  calendar: WorkCalendar,
) => Promise<SubjectNotice>;

/**
 * The notices of a missed 巡检, like a broken deadline's: at the due time the grid's on-duty
 * workers are told it is overdue; each step up tells that level's people (the community's
 * supervisors, then the street's) and the grid's workers again, since the task is still theirs.
 * An empty level hands over to the next one up, as for cases.
 */
export function inspectionNotices(deps: { directory: Directory }): InspectionNoticeFor {
  return async (place, inspection, step, at, calendar) => {
    const workers = await deps.directory.levelPeople(place.gridId, 'grid', at, calendar);
    const above = step === 'grid' ? [] : await deps.directory.levelPeople(place.gridId, step, at, calendar);
    const text: NoticeText =
      step === 'grid'
        ? { key: 'place.inspectionOverdue', params: { place: place.name, dueAt: inspection.dueAt } }
        : {
            key: 'place.inspectionEscalated',
            params: { place: place.name, level: step, dueAt: inspection.dueAt },
          };
    return {
      kind: step === 'grid' ? 'inspection_overdue' : 'escalated',
      subject: {
        // One group per place: a digest, not a message per step, when steps come close together.
        groupKey: `place:${place.id}`,
        severity: 'warning',
        // The message's title adds the grid's name, in each reader's language.
        title: place.name,
        gridId: place.gridId,
        caseId: null,
      },
      to: [...new Set([...above, ...workers])],
      text,
    };
  };
}

/** What the inspection pass needs to send those notices. */
export interface InspectionNotifier {
  noticeFor: InspectionNoticeFor;
  notifier: Pick<Notifier, 'queueAbout' | 'wake'>;
}
