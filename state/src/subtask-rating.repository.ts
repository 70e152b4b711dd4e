import {
  apiText,
  AppError,
  NO_RATINGS,
  type RatedSubtask,
  type RatingGrade,
  type RatingSide,
  type SubtaskRating,
  type SubtaskRatings,
} from '@gridsense/core';
import type { Selectable } from 'kysely';
import type { CaseSubtaskTables } from './case-subtask.repository';
import type { StateDb } from './database';
import { findUserNames } from './user.repository';

/** The table of migration 0036: one rating per sub-task and side. */
// A type, not an interface: `withTables` needs its implicit index signature.
export type SubtaskRatingTables = {
  subtask_ratings: {
    subtask_id: number;
    side: string;
    grade: string;
    comment: string | null;
    rater_id: string;
    rater_name: string;
    rated_at: number;
    updated_at: number;
  };
} & CaseSubtaskTables;

const tables = (db: StateDb) => db.withTables<SubtaskRatingTables>();
type RatingRow = Selectable<SubtaskRatingTables['subtask_ratings']>;

function toRating(r: RatingRow): SubtaskRating {
  return {
    subtaskId: Number(r.subtask_id),
    side: r.side as RatingSide,
    grade: r.grade as RatingGrade,
    comment: r.comment,
    raterId: r.rater_id,
    raterName: r.rater_name,
    ratedAt: Number(r.rated_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Stores a rating inside the transaction of the case change that records it. A first rating is
 * inserted only if that side has none yet; a change only over the version it was computed from.
 * Either way the second of two people at once gets a conflict, not a second rating.
 */
export async function saveSubtaskRating(
  db: StateDb,
  rating: SubtaskRating,
  previous: SubtaskRating | null,
): Promise<void> {
  const row = {
    subtask_id: rating.subtaskId,
    side: rating.side,
    grade: rating.grade,
    comment: rating.comment,
    rater_id: rating.raterId,
    rater_name: rating.raterName,
    rated_at: rating.ratedAt,
    updated_at: rating.updatedAt,
  };
  const written = previous ? await updateOwnRating(db, row, previous) : await insertFirstRating(db, row);
  const { subtaskId } = rating;
  if (!written) throw new AppError('conflict', apiText('conflict.rating', { id: subtaskId }));
}

type NewRating = Selectable<SubtaskRatingTables['subtask_ratings']>;

/** Inserts a side's first rating; false when that side has one already (the row comes back only if inserted). */
async function insertFirstRating(db: StateDb, row: NewRating): Promise<boolean> {
  const inserted = await tables(db)
    .insertInto('subtask_ratings')
    .values(row)
    .onConflict((oc) => oc.columns(['subtask_id', 'side']).doNothing())
    .returning('subtask_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Changes a rating over the version it was computed from; false when that version is gone. */
async function updateOwnRating(db: StateDb, row: NewRating, previous: SubtaskRating): Promise<boolean> {
  const result = await tables(db)
    .updateTable('subtask_ratings')
    .set({ grade: row.grade, comment: row.comment, updated_at: row.updated_at })
    .where('subtask_id', '=', row.subtask_id)
    .where('side', '=', row.side)
    .where('rater_id', '=', previous.raterId)
    .where('updated_at', '=', previous.updatedAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Both sides' ratings of these sub-tasks (none rated: absent from the map). */
export async function findSubtaskRatings(
  db: StateDb,
  subtaskIds: readonly number[],
): Promise<Map<number, SubtaskRatings>> {
  const ratings = new Map<number, SubtaskRatings>();
  const ids = [...new Set(subtaskIds)];
  // In slices, under every engine's limit on bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tables(db)
      .selectFrom('subtask_ratings')
      .selectAll()
      .where('subtask_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      const rating = toRating(row);
      ratings.set(rating.subtaskId, {
        ...(ratings.get(rating.subtaskId) ?? NO_RATINGS),
        [rating.side]: rating,
      });
    }
  }
  return ratings;
}

/** The most rows one period's listing returns (the newest; a district's year has far fewer). */
const MAX_ROWS = 5_000;

/**
 * Sub-tasks reported in [from, to) on cases in these grids, or of these departments, newest first,
 * with both sides' ratings, the people's names and the case's title and grid.
 */
export async function listRatedSubtasks(
  db: StateDb,
  query: { from: number; to: number; gridIds?: readonly string[]; departmentIds?: readonly string[] },
): Promise<RatedSubtask[]> {
  if (query.gridIds?.length === 0 || query.departmentIds?.length === 0) return [];
  let select = tables(db)
    .selectFrom('case_subtasks')
    .innerJoin('cases', 'cases.id', 'case_subtasks.case_id')
    .select([
      'case_subtasks.id',
      'case_subtasks.case_id',
      'case_subtasks.assignee_id',
      'case_subtasks.department_id',
      'case_subtasks.created_by_id',
      'case_subtasks.task',
      'case_subtasks.reported_at',
      'cases.title as case_title',
      'cases.grid_id as grid_id',
    ])
    .where('case_subtasks.state', '=', 'reported')
    .where('case_subtasks.reported_at', '>=', query.from)
    .where('case_subtasks.reported_at', '<', query.to);
  if (query.gridIds) select = select.where('cases.grid_id', 'in', [...query.gridIds]);
  if (query.departmentIds)
    select = select.where('case_subtasks.department_id', 'in', [...query.departmentIds]);
  const rows = await select
    .orderBy('case_subtasks.reported_at', 'desc')
    .orderBy('case_subtasks.id', 'desc')
    .limit(MAX_ROWS)
    .execute();
  const [ratings, names] = await Promise.all([
    findSubtaskRatings(
      db,
      rows.map((r) => Number(r.id)),
    ),
    findUserNames(db, [...new Set(rows.flatMap((r) => [r.assignee_id, r.created_by_id]))]),
  ]);
  return rows.map((r) => ({
    subtaskId: Number(r.id),
    caseId: r.case_id,
    caseTitle: r.case_title,
    gridId: r.grid_id,
    assigneeId: r.assignee_id,
    assigneeName: names.get(r.assignee_id) ?? r.assignee_id,
    departmentId: r.department_id,
    createdById: r.created_by_id,
    createdByName: names.get(r.created_by_id) ?? r.created_by_id,
    task: r.task,
    reportedAt: Number(r.reported_at),
    ratings: ratings.get(Number(r.id)) ?? NO_RATINGS,
  }));
}
