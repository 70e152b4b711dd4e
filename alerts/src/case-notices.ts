import {
  DEFAULT_LOCALE,
  gridsInRegion,
  messageFrame,
  renderNoticeText,
  severityRank,
  type CaseRecord,
  type NoticeKind,
  type NoticeText,
  type Region,
  type WorkChannelKind,
} from '@gridsense/core';
import {
  enqueueNotice,
  findPersonContacts,
  findPersonLocales,
  listChannels,
  listPushSubscriptions,
  type OutgoingNotice,
  type StateDb,
} from '@gridsense/state';
import { personTarget, recipientOf } from './notify/work-messaging';

/** Something people should hear about one case; grouped per incident before it is sent. */
export interface Notice {
  kind: NoticeKind;
  record: CaseRecord;
  to: string[];
  /** A key with parameters, rendered when queued in each recipient's language (channels: zh-CN). */
  text: NoticeText;
}

export interface Notifier {
  /**
   * Queues the notices through `db` (the transaction of the change that owes them); returns
   * whether one is due now, for `wake` once that transaction has committed.
   */
  queue(db: StateDb, notices: readonly Notice[]): Promise<boolean>;
  /** Kicks the delivery worker. */
  wake(): void;
}

/**
 * Fans notices out to the outbox: in-app and each Web Push subscription of every recipient, and
 * each webhook channel whose region, severity floor and kinds match. One group per incident
 * (the parent case if there is one), so a burst becomes one message and then a digest.
 */
export function createNotifier(deps: {
  now: () => number;
  regions: () => Region[];
  groupIntervalMs: number;
  /** Kicks the delivery worker when something is due now. */
  wake: () => void;
  /** DingTalk, WeCom, SMS: configured ones reach each recipient whose contacts name them there. */
  workChannels?: readonly WorkChannelKind[];
}): Notifier {
  const gridName = (gridId: string) => deps.regions().find((r) => r.id === gridId)?.name ?? gridId;
  return {
    wake: deps.wake,
    async queue(db, notices) {
      if (notices.length === 0) return false;
      const channels = (await listChannels(db)).filter((c) => c.enabled);
      const now = deps.now();
      let dueNow = false;
      const locales = await findPersonLocales(db, [...new Set(notices.flatMap((n) => n.to))]);
      const push = async (
        notice: Notice,
        targetKind: OutgoingNotice['targetKind'],
        targetId: string,
        readerId?: string,
      ) => {
        const { record } = notice;
        // A person reads their own language; a region's channel reads the district's (zh-CN).
        const locale = readerId ? locales.get(readerId) : DEFAULT_LOCALE;
        const queued = await enqueueNotice(
          db,
          {
            targetKind,
            targetId,
            groupKey: `case:${record.parentId ?? record.id}`,
            kind: notice.kind,
            severity: record.severity,
            title: messageFrame(locale).title(record.title, gridName(record.gridId)),
            line: renderNoticeText(notice.text, locale),
            caseId: record.id,
          },
          now,
          deps.groupIntervalMs,
        );
        if (queued.notBefore <= now) dueNow = true;
      };
      for (const notice of notices) {
        for (const userId of new Set(notice.to)) {
          await push(notice, 'inapp', userId, userId);
          for (const sub of await listPushSubscriptions(db, userId))
            await push(notice, 'push', sub.endpoint, userId);
          if (deps.workChannels?.length) {
            const contacts = await findPersonContacts(db, userId);
            for (const kind of deps.workChannels)
              if (recipientOf(kind, contacts))
                await push(notice, 'person', personTarget(kind, userId), userId);
          }
        }
        for (const channel of channels) {
          const inRegion = gridsInRegion(deps.regions(), channel.regionId).includes(notice.record.gridId);
          const severe = severityRank(notice.record.severity) >= severityRank(channel.minSeverity);
          const wanted = channel.kinds.length === 0 || channel.kinds.includes(notice.kind);
          if (inRegion && severe && wanted) await push(notice, 'channel', channel.id);
        }
      }
      return dueNow;
    },
  };
}
