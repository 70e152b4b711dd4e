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
  type Severity,
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
import { personTarget, recipientOf } from '../notify/work-messaging';

/** Something people should hear about one case; grouped per incident before it is sent. */
export interface Notice {
  kind: NoticeKind;
  record: CaseRecord;
  to: string[];
  /** A key with parameters, rendered when queued in each recipient's language (channels: zh-CN). */
  text: NoticeText;
}

/**
 * What a notice is about, as the outbox groups, titles and routes it: a case's incident, or
 * something else in a grid (a 重点场所's inspection), which names no case.
 */
export interface NoticeSubject {
  groupKey: string;
  severity: Severity;
  /** Its own name: the message title adds the grid's, in the reader's language. */
  title: string;
  gridId: string;
  caseId: string | null;
}

/** A notice about a subject other than a case, its text rendered in each recipient's language. */
export interface SubjectNotice {
  kind: NoticeKind;
  subject: NoticeSubject;
  to: string[];
  text: NoticeText;
}

export interface Notifier {
  /**
   * Queues the notices through `db` (the transaction of the change that owes them); returns
   * whether one is due now, for `wake` once that transaction has committed.
   */
  queue(db: StateDb, notices: readonly Notice[]): Promise<boolean>;
  /** As `queue`, for notices about something other than a case. */
  queueAbout(db: StateDb, notices: readonly SubjectNotice[]): Promise<boolean>;
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
  const caseSubject = (record: CaseRecord): NoticeSubject => ({
    groupKey: `case:${record.parentId ?? record.id}`,
    severity: record.severity,
    title: record.title,
    gridId: record.gridId,
    caseId: record.id,
  });
  interface Outgoing {
    kind: NoticeKind;
    subject: NoticeSubject;
    to: string[];
    text: NoticeText;
  }

  async function fanOut(db: StateDb, notices: readonly Outgoing[]): Promise<boolean> {
    if (notices.length === 0) return false;
    const channels = (await listChannels(db)).filter((c) => c.enabled);
    const now = deps.now();
    let dueNow = false;
    const locales = await findPersonLocales(db, [...new Set(notices.flatMap((n) => n.to))]);
    const push = async (
      notice: Outgoing,
      targetKind: OutgoingNotice['targetKind'],
      targetId: string,
      readerId?: string,
    ) => {
      const { subject } = notice;
      // A person reads their own language; a region's channel reads the district's (zh-CN).
      const locale = readerId ? locales.get(readerId) : DEFAULT_LOCALE;
      const queued = await enqueueNotice(
        db,
        {
          targetKind,
          targetId,
          groupKey: subject.groupKey,
          kind: notice.kind,
          severity: subject.severity,
          title: messageFrame(locale).title(subject.title, gridName(subject.gridId)),
          line: renderNoticeText(notice.text, locale),
          caseId: subject.caseId,
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
            if (recipientOf(kind, contacts)) await push(notice, 'person', personTarget(kind, userId), userId);
        }
      }
      for (const channel of channels) {
        const inRegion = gridsInRegion(deps.regions(), channel.regionId).includes(notice.subject.gridId);
        const severe = severityRank(notice.subject.severity) >= severityRank(channel.minSeverity);
        const wanted = channel.kinds.length === 0 || channel.kinds.includes(notice.kind);
        if (inRegion && severe && wanted) await push(notice, 'channel', channel.id);
      }
    }
    return dueNow;
  }

  return {
    wake: deps.wake,
    queue: (db, notices) =>
      fanOut(
        db,
        notices.map((n) => ({ kind: n.kind, subject: caseSubject(n.record), to: n.to, text: n.text })),
      ),
    queueAbout: fanOut,
  };
}
