import type { Kysely, Migration } from 'kysely';

/**
 * 好差评 of 协办 both ways (decision 0032): one row per sub-task and side (`lead`: the lead side
 * rates the co-handling; `cohandler`: the co-handling side rates the request), with the grade, an
 * optional comment, who rated, when first (the change window runs from it) and last. The ratings
 * page reads the sub-tasks reported in a period, so `case_subtasks.reported_at` gets an index.
 */
export const subtaskRatings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('subtask_ratings')
      .addColumn('subtask_id', 'integer', (c) => c.notNull())
      .addColumn('side', 'varchar(12)', (c) => c.notNull())
      .addColumn('grade', 'varchar(8)', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('rater_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('rater_name', 'text', (c) => c.notNull())
      .addColumn('rated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('subtask_ratings_pk', ['subtask_id', 'side'])
      .execute();
    await db.schema.createIndex('case_subtasks_reported').on('case_subtasks').column('reported_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('case_subtasks_reported').execute();
    await db.schema.dropTable('subtask_ratings').execute();
  },
};
