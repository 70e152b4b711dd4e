import type {
  CaseSubtaskView,
  CohandleRatingsView,
  RatingGrade,
  RatingInput,
  RatingSide,
  SubtaskRating,
  TimelineEntry,
  User,
} from '@gridsense/core';
import { can, RATING_CHANGE_WINDOW_MS, RATING_GRADES, RATING_SIDES } from '@gridsense/core';
import { request } from './api';

const segment = encodeURIComponent;

/** 协办好差评 over the API: rate one side of a sub-task; a department's or region's ratings. */
export const ratingApi = {
  rate: (caseId: string, subtaskId: number, input: RatingInput) =>
    request<CaseSubtaskView[]>('POST', `/api/cases/${segment(caseId)}/subtasks/${subtaskId}/rating`, input),
  list: (from: number, to: number) =>
    request<CohandleRatingsView>('GET', `/api/cohandle-ratings?from=${from}&to=${to}`),
};

/** Whether this side is open to the person: not rated yet, or rated by them less than a day ago. */
function openTo(rating: SubtaskRating | null, user: User, now: number): boolean {
  return rating === null || (rating.raterId === user.id && now - rating.ratedAt <= RATING_CHANGE_WINDOW_MS);
}

/**
 * The sides the console offers a person on a reported sub-task (the server decides again): the
 * lead or the desk rates the work, the co-handler (or, on the ratings page, their department) the
 * request.
 */
export function ratingSides(
  subtask: Pick<CaseSubtaskView, 'state' | 'assigneeId' | 'ratings'>,
  user: User,
  who: { leadId: string | null; ofDepartment?: boolean },
  now: number,
): RatingSide[] {
  if (subtask.state !== 'reported') return [];
  const sides: RatingSide[] = [];
  const coHandling = subtask.assigneeId === user.id || who.ofDepartment === true;
  const leads = (user.id === who.leadId || can(user, 'case.dispatch')) && !coHandling;
  if (leads && openTo(subtask.ratings.lead, user, now)) sides.push('lead');
  if (coHandling && user.id !== who.leadId && openTo(subtask.ratings.cohandler, user, now))
    sides.push('cohandler');
  return sides;
}

/** The side and grade of a `subtask_rated` timeline entry, or null for any other entry. */
export function ratedEntry(entry: TimelineEntry): { side: RatingSide; grade: RatingGrade } | null {
  const side = entry.data?.side;
  const grade = entry.data?.grade;
  return entry.action === 'subtask_rated' &&
    RATING_SIDES.includes(side as RatingSide) &&
    RATING_GRADES.includes(grade as RatingGrade)
    ? { side: side as RatingSide, grade: grade as RatingGrade }
    : null;
}
