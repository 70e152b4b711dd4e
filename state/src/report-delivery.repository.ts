import type { ReportChannelDelivery } from '@gridsense/core';
import type { StateDb } from './database';
import { failureOfColumns } from './delivery-failure-columns';

/** Every notice of one report shares this group, whatever its target: it never merges into a case's. */
export const reportGroupKey = (reportId: number) => `report:${reportId}`;

/** The report a message's group names, or undefined for any other group (a case's). */
export function reportIdOfGroup(groupKey: string): number | undefined {
  const match = /^report:(\d+)$/.exec(groupKey);
  return match ? Number(match[1]) : undefined;
}

/**
 * Queues a report's notice to a channel through the ordinary outbox (the delivery worker sends it
 * like any other). Its own group per report, so it never merges into a case's messages; the
 * supervised cases it names are its case ids.
 */
export async function queueReportNotice(
  db: StateDb,
  notice: { channelId: string; reportId: number; title: string; lines: string[]; caseIds: string[] },
  now: number,
): Promise<void> {
  await queueReportMessage(db, { kind: 'channel', id: notice.channelId }, notice, now);
}

/**
 * Queues a report's in-app notice to one reader, in their language (`title` and `line` rendered
 * by the caller). It links to the report, so it names no case.
 */
export async function queueReportInAppNotice(
  db: StateDb,
  notice: { userId: string; reportId: number; title: string; line: string },
  now: number,
): Promise<void> {
  await queueReportMessage(
    db,
    { kind: 'inapp', id: notice.userId },
    { reportId: notice.reportId, title: notice.title, lines: [notice.line], caseIds: [] },
    now,
  );
}

/** One outbox message of a report, to whichever target: the same row for a channel and a reader. */
async function queueReportMessage(
  db: StateDb,
  target: { kind: 'channel' | 'inapp'; id: string },
  message: { reportId: number; title: string; lines: string[]; caseIds: string[] },
  now: number,
): Promise<void> {
  await db
    .insertInto('notification_messages')
    .values({
      target_kind: target.kind,
      target_id: target.id,
      group_key: reportGroupKey(message.reportId),
      kind: 'report',
      severity: 'info',
      title: message.title,
      lines: JSON.stringify(message.lines),
      case_ids: JSON.stringify(message.caseIds),
      notice_count: 1,
      status: 'pending',
      attempts: 0,
      not_before: now,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
}

export interface StoredReportDeliveries {
  /** Channel messages as the delivery log has them; the channel's name as it is now. */
  channels: ReportChannelDelivery[];
  inApp: { queued: number; sent: number };
}

/** Where a report's notices went: each channel message with its outcome, and the in-app count. */
export async function listReportDeliveries(db: StateDb, reportId: number): Promise<StoredReportDeliveries> {
  const rows = await db
    .selectFrom('notification_messages')
    .leftJoin('notification_channels', (join) =>
      join
        .onRef('notification_channels.id', '=', 'notification_messages.target_id')
        .on('notification_messages.target_kind', '=', 'channel'),
    )
    .select([
      'notification_messages.target_kind',
      'notification_messages.target_id',
      'notification_messages.status',
      'notification_messages.attempts',
      'notification_messages.sent_at',
      'notification_messages.last_error',
      'notification_messages.last_error_key',
      'notification_messages.last_error_params',
      'notification_channels.name',
    ])
    .where('notification_messages.group_key', '=', reportGroupKey(reportId))
    .where('notification_messages.target_kind', 'in', ['channel', 'inapp'])
    .orderBy('notification_messages.id')
    .execute();
  const inApp = rows.filter((r) => r.target_kind === 'inapp');
  return {
    channels: rows
      .filter((r) => r.target_kind === 'channel')
      .map((r) => ({
        channelId: r.target_id,
        channelName: r.name,
        status: r.status as ReportChannelDelivery['status'],
        attempts: r.attempts,
        sentAt: r.sent_at === null ? null : Number(r.sent_at),
        lastError: r.last_error,
        lastErrorText: failureOfColumns(r.last_error_key, r.last_error_params),
      })),
    inApp: { queued: inApp.length, sent: inApp.filter((r) => r.status === 'sent').length },
  };
}
