import {
  englishOf,
  type ApiText,
  type NoticeKind,
  type NotificationView,
  type Severity,
} from '@gridsense/core';
import type { Selectable } from 'kysely';
import type { StateDb } from './database';
import { failureColumns, failureOfColumns } from './delivery-failure-columns';
import { reportIdOfGroup } from './report-delivery.repository';
import type { Database } from './schema';

/**
 * The notification outbox, which groups notices per target and incident, and the delivery log.
 * `person` is DingTalk, WeCom or SMS to one person, the target id `dingtalk:u-worker01`.
 */
export type TargetKind = 'inapp' | 'push' | 'channel' | 'person';

export interface OutgoingNotice {
  targetKind: TargetKind;
  targetId: string;
  groupKey: string;
  kind: NoticeKind;
  severity: Severity;
  title: string;
  line: string;
  /** Null for a notice about something other than a case (a place's inspection). */
  caseId: string | null;
}

type MessageRow = Selectable<Database['notification_messages']>;
export type OutboxMessage = Omit<NotificationView, 'at' | 'read'> & {
  targetKind: TargetKind;
  targetId: string;
  severity: Severity;
  attempts: number;
  createdAt: number;
};

const MAX_LINES = 20;

/** The place a notice is about, from its group key (`place:<id>`, `alerts/src/place-notices.ts`). */
export function placeIdOfGroup(groupKey: string): string | undefined {
  return /^place:(.+)$/.exec(groupKey)?.[1];
}

function toMessage(r: MessageRow): OutboxMessage {
  const reportId = reportIdOfGroup(r.group_key);
  const placeId = placeIdOfGroup(r.group_key);
  return {
    ...(reportId === undefined ? {} : { reportId }),
    ...(placeId === undefined ? {} : { placeId }),
    id: r.id,
    targetKind: r.target_kind as TargetKind,
    targetId: r.target_id,
    kind: r.kind as NoticeKind,
    severity: r.severity as Severity,
    title: r.title,
    lines: JSON.parse(r.lines) as string[],
    caseIds: JSON.parse(r.case_ids) as string[],
    count: r.notice_count,
    attempts: r.attempts,
    createdAt: Number(r.created_at),
  };
}

/**
 * Queues a notice. A notice for a target and incident that already has an unsent message joins
 * it; one that follows a sent message within `groupIntervalMs` waits for the interval to end, so
 * an incident sends one message and then at most one digest per interval.
 */
export async function enqueueNotice(
  db: StateDb,
  notice: OutgoingNotice,
  now: number,
  groupIntervalMs: number,
): Promise<{ id: number; notBefore: number }> {
  // Inside the transaction of the change that owes the notice (CaseWrite.alongside), or its own.
  const inTransaction = <T>(work: (tx: StateDb) => Promise<T>) =>
    db.isTransaction ? work(db) : db.transaction().execute(work);
  return inTransaction(async (tx) => {
    const group = tx
      .selectFrom('notification_messages')
      .where('target_kind', '=', notice.targetKind)
      .where('target_id', '=', notice.targetId)
      .where('group_key', '=', notice.groupKey);
    const pending = await group.selectAll().where('status', '=', 'pending').orderBy('id').executeTakeFirst();
    if (pending) {
      const lines = [...(JSON.parse(pending.lines) as string[]), notice.line].slice(-MAX_LINES);
      const caseIds = [
        ...new Set([
          ...(JSON.parse(pending.case_ids) as string[]),
          ...(notice.caseId ? [notice.caseId] : []),
        ]),
      ];
      const severities: Severity[] = ['info', 'warning', 'critical'];
      const severity =
        severities.indexOf(notice.severity) > severities.indexOf(pending.severity as Severity)
          ? notice.severity
          : pending.severity;
      await tx
        .updateTable('notification_messages')
        .set({
          lines: JSON.stringify(lines),
          case_ids: JSON.stringify(caseIds),
          notice_count: pending.notice_count + 1,
          severity,
        })
        .where('id', '=', pending.id)
        .execute();
      return { id: pending.id, notBefore: Number(pending.not_before) };
    }
    const last = await group
      .select('sent_at')
      .where('status', '=', 'sent')
      .orderBy('sent_at', 'desc')
      .executeTakeFirst();
    const lastSent = last?.sent_at === null || last === undefined ? null : Number(last.sent_at);
    const notBefore =
      lastSent !== null && now - lastSent < groupIntervalMs ? lastSent + groupIntervalMs : now;
    const row = await tx
      .insertInto('notification_messages')
      .values({
        target_kind: notice.targetKind,
        target_id: notice.targetId,
        group_key: notice.groupKey,
        kind: notice.kind,
        severity: notice.severity,
        title: notice.title,
        lines: JSON.stringify([notice.line]),
        case_ids: JSON.stringify(notice.caseId ? [notice.caseId] : []),
        notice_count: 1,
        status: 'pending',
        attempts: 0,
        not_before: notBefore,
        last_error: null,
        created_at: now,
        sent_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, notBefore };
  });
}

export async function listDueMessages(
  db: StateDb,
  now: number,
  limit: number,
  targetKind?: TargetKind,
): Promise<OutboxMessage[]> {
  let query = db
    .selectFrom('notification_messages')
    .selectAll()
    .where('status', '=', 'pending')
    .where('not_before', '<=', now);
  if (targetKind) query = query.where('target_kind', '=', targetKind);
  const rows = await query.orderBy('not_before').orderBy('id').limit(limit).execute();
  return rows.map(toMessage);
}

/**
 * Due messages of one target kind, at most one per target (its oldest), leaving out targets the
 * delivery worker is still sending to: a slow target holds only its own messages back.
 */
export async function listDueByTarget(
  db: StateDb,
  now: number,
  targetKind: TargetKind,
  options: { busyTargets: readonly string[]; limit: number },
): Promise<OutboxMessage[]> {
  let due = db
    .selectFrom('notification_messages')
    .select((eb) => eb.fn.min('id').as('id'))
    .where('status', '=', 'pending')
    .where('not_before', '<=', now)
    .where('target_kind', '=', targetKind);
  if (options.busyTargets.length > 0) due = due.where('target_id', 'not in', [...options.busyTargets]);
  const rows = await db
    .selectFrom('notification_messages')
    .selectAll()
    .where('id', 'in', due.groupBy('target_id'))
    .orderBy('not_before')
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return rows.map(toMessage);
}

/**
 * Claims listed messages for one delivery worker until `leaseUntil`, by moving them out of reach
 * (`not_before`) in one conditional UPDATE: only messages still pending and due are taken, so of
 * several workers (processes sharing PostgreSQL) each message goes to one. The attempt's record
 * sets the real next time; a worker that dies mid-send leaves the message to be retried when the
 * lease runs out, so none is lost. Returns the messages this worker got, in the order given.
 */
export async function claimMessages(
  db: StateDb,
  messages: readonly OutboxMessage[],
  now: number,
  leaseUntil: number,
): Promise<OutboxMessage[]> {
  if (messages.length === 0) return [];
  const rows = await db
    .updateTable('notification_messages')
    .set({ not_before: leaseUntil })
    .where(
      'id',
      'in',
      messages.map((m) => m.id),
    )
    .where('status', '=', 'pending')
    .where('not_before', '<=', now)
    .returning('id')
    .execute();
  const claimed = new Set(rows.map((row) => row.id));
  return messages.filter((m) => claimed.has(m.id));
}

/** Gives a claimed message back, due at `notBefore` (a worker stopping before it could send). */
export async function releaseMessage(db: StateDb, messageId: number, notBefore: number): Promise<void> {
  await db
    .updateTable('notification_messages')
    .set({ not_before: notBefore })
    .where('id', '=', messageId)
    .where('status', '=', 'pending')
    .execute();
}

/** The earliest time a pending message becomes due (for the delivery worker's next wake-up). */
export async function nextMessageDueAt(db: StateDb): Promise<number | null> {
  const row = await db
    .selectFrom('notification_messages')
    .select('not_before')
    .where('status', '=', 'pending')
    .orderBy('not_before')
    .executeTakeFirst();
  return row ? Number(row.not_before) : null;
}

export interface AttemptResult {
  at: number;
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, in English (logs, API clients); null when it went out. */
  error: string | null;
  /** The same as a key with parameters (`delivery.*`), for the reader's language. */
  errorText: ApiText | null;
  durationMs: number;
}

/** One attempt as the delivery worker reports it: why it failed as a key, the English made here. */
export type AttemptRecord = Omit<AttemptResult, 'error' | 'errorText'> & { failure: ApiText | null };

/** Logs one delivery attempt and moves the message on: sent, retried later, or failed for good. */
export async function recordAttempt(
  db: StateDb,
  messageId: number,
  attempt: AttemptRecord,
  next: { status: 'sent' | 'pending' | 'failed'; notBefore: number },
): Promise<void> {
  const error = attempt.failure ? englishOf(attempt.failure) : null;
  const failure = failureColumns(attempt.failure);
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('notification_attempts')
      .values({
        message_id: messageId,
        at: attempt.at,
        ok: attempt.ok ? 1 : 0,
        status_code: attempt.statusCode,
        error,
        error_key: failure.key,
        error_params: failure.params,
        duration_ms: attempt.durationMs,
      })
      .execute();
    await tx
      .updateTable('notification_messages')
      .set((eb) => ({
        status: next.status,
        attempts: eb('attempts', '+', 1),
        not_before: next.notBefore,
        last_error: error,
        last_error_key: failure.key,
        last_error_params: failure.params,
        sent_at: next.status === 'sent' ? attempt.at : null,
      }))
      .where('id', '=', messageId)
      .execute();
  });
}

export interface DeliveryLogEntry {
  message: OutboxMessage & {
    status: string;
    notBefore: number;
    sentAt: number | null;
    lastError: string | null;
    /** `lastError` as a key with parameters; null when it has none. */
    lastErrorText: ApiText | null;
  };
  attempts: AttemptResult[];
}

/** The delivery log: messages to a target kind (and id), newest first, with every attempt. */
export async function listDeliveryLog(
  db: StateDb,
  filter: { targetKind?: TargetKind; targetId?: string; limit: number },
): Promise<DeliveryLogEntry[]> {
  let q = db.selectFrom('notification_messages').selectAll();
  if (filter.targetKind) q = q.where('target_kind', '=', filter.targetKind);
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('notification_attempts')
    .selectAll()
    .where(
      'message_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    message: {
      ...toMessage(r),
      status: r.status,
      notBefore: Number(r.not_before),
      sentAt: r.sent_at === null ? null : Number(r.sent_at),
      lastError: r.last_error,
      lastErrorText: failureOfColumns(r.last_error_key, r.last_error_params),
    },
    attempts: attempts
      .filter((a) => a.message_id === r.id)
      .map((a) => ({
        at: Number(a.at),
        ok: a.ok === 1,
        statusCode: a.status_code,
        error: a.error,
        errorText: failureOfColumns(a.error_key, a.error_params),
        durationMs: a.duration_ms,
      })),
  }));
}

/** A person's delivered in-app notices, newest first. */
export async function listUserNotifications(
  db: StateDb,
  userId: string,
  limit: number,
): Promise<NotificationView[]> {
  const rows = await db
    .selectFrom('notification_messages')
    .selectAll()
    .where('target_kind', '=', 'inapp')
    .where('target_id', '=', userId)
    .where('status', '=', 'sent')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => noticeView(toMessage(r), { read: r.read_at !== null, at: Number(r.sent_at) }));
}

/** What its reader sees of a message, the same in the list and when it arrives live. */
export function noticeView(
  message: OutboxMessage,
  state: Pick<NotificationView, 'read' | 'at'>,
): NotificationView {
  const { id, kind, title, lines, caseIds, count, severity, reportId, placeId } = message;
  return {
    // A report's notice links to its report, a place's to the places.
    ...(reportId === undefined ? {} : { reportId }),
    ...(placeId === undefined ? {} : { placeId }),
    id,
    kind,
    title,
    lines,
    caseIds,
    count,
    severity,
    ...state,
  };
}

const userInApp = (db: StateDb, userId: string) =>
  db
    .updateTable('notification_messages')
    .where('target_kind', '=', 'inapp')
    .where('target_id', '=', userId)
    .where('status', '=', 'sent')
    .where('read_at', 'is', null);

/** How many of a person's delivered in-app notices are unread. */
export async function countUnreadNotifications(db: StateDb, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notification_messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('target_kind', '=', 'inapp')
    .where('target_id', '=', userId)
    .where('status', '=', 'sent')
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Marks a person's notices read: the listed ones, or all up to and including `upTo` (notices
 * delivered later stay unread). Others' notices are never touched. Returns how many changed.
 */
export async function markNotificationsRead(
  db: StateDb,
  userId: string,
  which: { ids: readonly number[] } | { upTo: number },
  now: number,
): Promise<number> {
  if ('ids' in which && which.ids.length === 0) return 0;
  const query = userInApp(db, userId).set({ read_at: now });
  const result = await (
    'ids' in which ? query.where('id', 'in', [...which.ids]) : query.where('id', '<=', which.upTo)
  ).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
