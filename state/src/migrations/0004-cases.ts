import { sql, type Kysely, type Migration } from 'kysely';
import { autoIncrementId } from './portable';

/** New nullable or defaulted columns on `cases` (one ALTER per column, as SQLite requires). */
const CASE_COLUMNS: [string, 'text' | 'bigint' | 'integer' | 'double precision', string | number | null][] = [
  ['subcategory', 'text', null],
  ['case_type', 'text', null],
  ['description', 'text', null],
  ['lat', 'double precision', null],
  ['lng', 'double precision', null],
  ['address', 'text', null],
  ['co_handler_ids', 'text', '[]'],
  ['department_id', 'text', null],
  ['dispatcher_id', 'text', null],
  ['reporter_id', 'text', null],
  ['photo_required', 'integer', 0],
  ['escalation_level', 'text', 'grid'],
  ['escalated_at', 'bigint', null],
  ['paused_at', 'bigint', null],
  ['pause_reason', 'text', null],
  ['parent_id', 'text', null],
  ['last_signal_at', 'bigint', 0],
  ['dispatched_at', 'bigint', null],
  ['first_dispatched_at', 'bigint', null],
  ['accepted_at', 'bigint', null],
  ['accepted_on_time', 'integer', null],
  ['arrived_at', 'bigint', null],
  ['resolved_at', 'bigint', null],
  ['resolved_on_time', 'integer', null],
  ['closed_at', 'bigint', null],
  ['arrive_due_at', 'bigint', null],
  ['reminded_clocks', 'text', ''],
  ['last_notified_at', 'bigint', null],
  ['satisfaction', 'integer', null],
  ['feedback_at', 'bigint', null],
  ['next_check_at', 'bigint', null],
];

/**
 * The case life: taxonomy, SLAs, dispatch rules, departments, rosters, fused sources, hotline
 * callers, the hash-chained audit log, notification channels with their outbox and delivery log,
 * and Web Push subscriptions.
 */
export const cases: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, type, fallback] of CASE_COLUMNS) {
      await db.schema
        .alterTable('cases')
        .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
        .execute();
    }
    // Cases from before: dispatched at opening if assigned; the ticker looks at each open one once.
    await sql`update cases set last_signal_at = updated_at,
      dispatched_at = case when assignee_id is null then null else opened_at end,
      first_dispatched_at = case when assignee_id is null then null else opened_at end,
      next_check_at = case when state <> 'closed' then opened_at else null end`.execute(db);
    await db.schema.createIndex('cases_next_check').on('cases').column('next_check_at').execute();
    await db.schema.createIndex('cases_parent').on('cases').column('parent_id').execute();

    await db.schema
      .createTable('case_sources')
      .$call(autoIncrementId(db))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('rule_id', 'text')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text')
      .addColumn('snapshot', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('suppressed', 'integer', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('first_at', 'bigint', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_sources_case').on('case_sources').column('case_id').execute();
    await db.schema
      .createIndex('case_sources_cause')
      .on('case_sources')
      .columns(['device_id', 'rule_id'])
      .execute();
    await sql`insert into case_sources (case_id, kind, device_id, rule_id, category, active, suppressed, count, first_at, last_at)
      select id, source, device_id, rule_id, category, risk_active, 0, occurrences, opened_at, updated_at from cases`.execute(
      db,
    );

    await db.schema
      .createTable('case_requesters')
      .$call(autoIncrementId(db))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_requesters_case').on('case_requesters').column('case_id').execute();

    await db.schema
      .createTable('case_categories')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('safety', 'integer', (c) => c.notNull())
      .addColumn('matches', 'text', (c) => c.notNull())
      .addColumn('sort', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('case_slas')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('sla', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_slas_pk', ['category', 'severity'])
      .execute();
    await db.schema
      .createTable('dispatch_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('match', 'text', (c) => c.notNull())
      .addColumn('region_id', 'text', (c) => c.notNull())
      .addColumn('lead', 'text', (c) => c.notNull())
      .addColumn('co_handlers', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('sort', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('departments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
      .execute();
    await db.schema
      .createTable('department_members')
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('duty', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('department_members_pk', ['department_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('roster_shifts')
      .$call(autoIncrementId(db))
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      .addColumn('scope_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('duty', 'text', (c) => c.notNull())
      .addColumn('weekdays', 'text', (c) => c.notNull())
      .addColumn('start_minute', 'integer', (c) => c.notNull())
      .addColumn('end_minute', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('roster_shifts_scope')
      .on('roster_shifts')
      .columns(['scope_kind', 'scope_id'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_entity')
      .on('audit_log')
      .columns(['entity_type', 'entity_id'])
      .execute();

    await db.schema
      .createTable('notification_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('region_id', 'text', (c) => c.notNull())
      .addColumn('min_severity', 'text', (c) => c.notNull())
      .addColumn('kinds', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notification_messages')
      .$call(autoIncrementId(db))
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('case_ids', 'text', (c) => c.notNull())
      .addColumn('notice_count', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('notification_messages_due')
      .on('notification_messages')
      .columns(['status', 'not_before'])
      .execute();
    await db.schema
      .createIndex('notification_messages_group')
      .on('notification_messages')
      .columns(['target_kind', 'target_id', 'group_key'])
      .execute();
    await db.schema
      .createTable('notification_attempts')
      .$call(autoIncrementId(db))
      .addColumn('message_id', 'integer', (c) => c.notNull().references('notification_messages.id'))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notification_attempts_message')
      .on('notification_attempts')
      .column('message_id')
      .execute();
    await db.schema
      .createTable('push_subscriptions')
      .addColumn('endpoint', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('p256dh', 'text', (c) => c.notNull())
      .addColumn('auth', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
