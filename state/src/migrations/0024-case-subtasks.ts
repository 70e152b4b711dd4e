import type { Kysely, Migration } from 'kysely';
import { autoIncrementId } from './portable';

/**
 * 协办 sub-tasks: one row per co-handler of a case, with its state (created → accepted →
 * reported, or cancelled), what it asks, its own deadline and the report (note, photo paths as
 * JSON). `next_check_at` is when the deadline ticker looks at it next (indexed, like the cases').
 * A dispatch rule says whether its co-handlers' reports are required before the lead resolves
 * (1, the default) or not (0).
 */
export const caseSubtasks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('case_subtasks')
      .$call(autoIncrementId(db))
      .addColumn('case_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('assignee_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('department_id', 'varchar(64)')
      .addColumn('state', 'varchar(20)', (c) => c.notNull())
      .addColumn('required', 'integer', (c) => c.notNull())
      .addColumn('task', 'text', (c) => c.notNull())
      .addColumn('created_by_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('accepted_at', 'bigint')
      .addColumn('reported_at', 'bigint')
      .addColumn('report_note', 'text')
      .addColumn('report_photos', 'text', (c) => c.notNull())
      .addColumn('cancelled_at', 'bigint')
      .addColumn('cancel_reason', 'text')
      .addColumn('reminded_at', 'bigint')
      .addColumn('overdue_at', 'bigint')
      .addColumn('next_check_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('case_subtasks_case')
      .on('case_subtasks')
      .columns(['case_id', 'id'])
      .execute();
    await db.schema
      .createIndex('case_subtasks_assignee')
      .on('case_subtasks')
      .columns(['assignee_id', 'state'])
      .execute();
    await db.schema
      .createIndex('case_subtasks_next_check')
      .on('case_subtasks')
      .column('next_check_at')
      .execute();
    await db.schema
      .alterTable('dispatch_rules')
      .addColumn('co_reports_required', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('dispatch_rules').dropColumn('co_reports_required').execute();
    await db.schema.dropTable('case_subtasks').execute();
  },
};
