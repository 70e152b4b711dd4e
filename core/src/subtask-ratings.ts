import { apiText, englishOf, type ApiText } from './api-texts';
import type { CaseSubtask } from './case-subtasks';
import type { Problem } from './errors';
import type { Rate } from './case-stats';

/**
 * 好差评 of 协办, both ways: once a co-handler has reported, the case's lead side (its lead, or the
 * desk over its region) rates the co-handling, and the co-handling side (the co-handler, or anyone
 * of its department) rates the request (was it clear, was it reasonable). One rating per side and
 * sub-task; its rater may change it within a day of giving it, nobody else may.
 */
export type RatingGrade = 'good' | 'fair' | 'poor';
export const RATING_GRADES: readonly RatingGrade[] = ['good', 'fair', 'poor'];

/** `lead`: the lead side rates the co-handling. `cohandler`: the co-handling side rates the request. */
export type RatingSide = 'lead' | 'cohandler';
export const RATING_SIDES: readonly RatingSide[] = ['lead', 'cohandler'];

/** How long after giving a rating its rater may still change it. */
export const RATING_CHANGE_WINDOW_MS = 86_400_000;

export interface SubtaskRating {
  subtaskId: number;
  side: RatingSide;
  grade: RatingGrade;
  comment: string | null;
  raterId: string;
  raterName: string;
  /** When it was first given (the change window runs from here), and last changed. */
  ratedAt: number;
  updatedAt: number;
}

/** Both sides' ratings of one sub-task; null where that side has not rated. */
export interface SubtaskRatings {
  lead: SubtaskRating | null;
  cohandler: SubtaskRating | null;
}

export const NO_RATINGS: SubtaskRatings = { lead: null, cohandler: null };

export interface RatingInput {
  side: RatingSide;
  grade: RatingGrade;
  comment: string | null;
}

/** Who rates, and on which sides they stand for this sub-task (the service works these out). */
export interface RatingActor {
  id: string;
  name: string;
  /** The case's lead, or the desk over its region; never the co-handler rating their own work. */
  leadSide: boolean;
  /** The sub-task's co-handler, or a member of its department. */
  cohandlerSide: boolean;
}

export type RatingResult =
  | { ok: true; next: SubtaskRating; changed: boolean }
  | { ok: false; code: 'invalid_transition' | 'forbidden' | 'conflict'; message: string; text: ApiText };

const refuse = (code: 'invalid_transition' | 'forbidden' | 'conflict', text: ApiText) =>
  ({ ok: false, code, message: englishOf(text), text }) as const;

/** The one place that decides a rating. Pure: "now" is passed in, nothing is stored here. */
export function decideRating(
  subtask: Pick<CaseSubtask, 'id' | 'state'>,
  current: SubtaskRating | null,
  input: RatingInput,
  actor: RatingActor,
  now: number,
): RatingResult {
  if (subtask.state !== 'reported') return refuse('invalid_transition', apiText('rating.onlyReported'));
  if (input.side === 'lead' && !actor.leadSide) return refuse('forbidden', apiText('rating.leadSide'));
  if (input.side === 'cohandler' && !actor.cohandlerSide)
    return refuse('forbidden', apiText('rating.cohandlerSide'));
  if (current === null)
    return {
      ok: true,
      changed: false,
      next: {
        subtaskId: subtask.id,
        side: input.side,
        grade: input.grade,
        comment: input.comment,
        raterId: actor.id,
        raterName: actor.name,
        ratedAt: now,
        updatedAt: now,
      },
    };
  if (current.raterId !== actor.id)
    return refuse('conflict', apiText('rating.alreadyRated', { name: current.raterName }));
  if (now - current.ratedAt > RATING_CHANGE_WINDOW_MS)
    return refuse('invalid_transition', apiText('rating.changeWindow'));
  return {
    ok: true,
    changed: true,
    next: { ...current, grade: input.grade, comment: input.comment, updatedAt: now },
  };
}

/** Validates a rating from JSON, listing every problem. */
export function parseRatingInput(
  body: unknown,
): { ok: true; value: RatingInput } | { ok: false; errors: Problem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const b = body as Record<string, unknown>;
  const errors: Problem[] = [];
  if (!RATING_SIDES.includes(b.side as RatingSide)) errors.push(apiText('rating.side'));
  if (!RATING_GRADES.includes(b.grade as RatingGrade)) errors.push(apiText('rating.grade'));
  const comment = b.comment ?? null;
  if (comment !== null && (typeof comment !== 'string' || comment.length > 500))
    errors.push(apiText('field.textAtMost', { field: 'comment', max: 500 }));
  for (const key of Object.keys(b))
    if (!['side', 'grade', 'comment'].includes(key)) errors.push(apiText('field.unknown', { field: key }));
  if (errors.length > 0) return { ok: false, errors };
  const trimmed = typeof comment === 'string' ? comment.trim() : '';
  return {
    ok: true,
    value: {
      side: b.side as RatingSide,
      grade: b.grade as RatingGrade,
      comment: trimmed === '' ? null : trimmed,
    },
  };
}

/** 好/中/差 counted, with the 好评率 (good over all). */
export interface RatingCounts {
  good: number;
  fair: number;
  poor: number;
  goodRate: Rate;
}

export function countRatings(grades: readonly RatingGrade[]): RatingCounts {
  const counts = { good: 0, fair: 0, poor: 0 };
  for (const grade of grades) counts[grade]++;
  return {
    ...counts,
    goodRate: {
      numerator: counts.good,
      denominator: grades.length,
      value: grades.length === 0 ? null : counts.good / grades.length,
    },
  };
}

/** A reported sub-task with both sides' ratings, as the ratings page lists it. */
export interface RatedSubtask {
  subtaskId: number;
  caseId: string;
  caseTitle: string;
  gridId: string;
  assigneeId: string;
  assigneeName: string;
  departmentId: string | null;
  createdById: string;
  createdByName: string;
  task: string;
  reportedAt: number;
  ratings: SubtaskRatings;
}

/**
 * `GET /api/cohandle-ratings`: whose ratings over a period (sub-tasks reported in it). A
 * department receives the lead side's ratings of its sub-tasks and gives the request's; a region
 * (a street's desk) receives the co-handlers' ratings of its cases' requests and gives the others.
 */
export interface CohandleRatingsView {
  from: number;
  to: number;
  subject: { kind: 'department' | 'region'; id: string; name: string };
  received: RatingCounts;
  given: RatingCounts;
  rows: RatedSubtask[];
  /** Department names by id, for the rows. */
  departments: Record<string, string>;
}

/** The side whose ratings a subject receives (the other side's are the ones it gives). */
export const receivedSide = (kind: 'department' | 'region'): RatingSide =>
  kind === 'department' ? 'lead' : 'cohandler';

/** Counts what the subject received and gave over the rows. */
export function ratingTotals(
  kind: 'department' | 'region',
  rows: readonly Pick<RatedSubtask, 'ratings'>[],
): { received: RatingCounts; given: RatingCounts } {
  const side = receivedSide(kind);
  const other: RatingSide = side === 'lead' ? 'cohandler' : 'lead';
  const grades = (s: RatingSide) =>
    rows.flatMap((r) => {
      const rating = r.ratings[s];
      return rating ? [rating.grade] : [];
    });
  return { received: countRatings(grades(side)), given: countRatings(grades(other)) };
}
