import {
  DEFAULT_LOCALE,
  gridsInRegion,
  renderNoticeText,
  type NoticeText,
  severityRank,
  type CaseRecord,
  type NoticeKind,
  type Region,
  type RegionLevel,
  type ReturnReason,
  type Severity,
  type SlaClock,
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
  line: string;
  /** The same text as a key with parameters: each person reads it in their language (`line` is zh-CN). */
  text?: NoticeText;
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

const LEVEL_NAMES: Record<RegionLevel, string> = {
  grid: '网格',
  community: '社区',
  street: '街道',
  district: '区指挥中心',
};
const SEVERITY_NAMES: Record<Severity, string> = { info: '提示', warning: '预警', critical: '紧急' };
export const CLOCK_NAMES: Record<SlaClock, string> = {
  register: '立案',
  dispatch: '派遣',
  accept: '签收',
  arrive: '到场',
  resolve: '办结',
};
const REASON_NAMES: Record<ReturnReason, string> = {
  not_my_grid: '非本网格',
  wrong_category: '分类错误',
  duplicate: '重复工单',
  needs_department: '需部门处置',
  not_my_duty: '非本单位职责',
  cannot_locate: '无法定位',
  other: '其他',
};

/** Local (UTC+8) `MM-DD HH:mm`. */
export function beijingTime(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
}

/** The zh-CN line of each notice kind. */
export const noticeLine = {
  opened: (r: CaseRecord) => `新事件：${r.title}`,
  assigned: (r: CaseRecord) =>
    `已派遣：${r.title}${r.acceptDueAt === null ? '' : `，请于 ${beijingTime(r.acceptDueAt)} 前签收`}`,
  coAssigned: (r: CaseRecord) => `协办：${r.title}`,
  reminder: (clock: SlaClock, dueAt: number) => `${CLOCK_NAMES[clock]}时限将至（${beijingTime(dueAt)}）`,
  repeat: () => '仍未签收，请尽快签收',
  escalated: (level: RegionLevel, reason: string) => `已升级至${LEVEL_NAMES[level]}：${reason}`,
  overdue: (clock: SlaClock, dueAt: number) => `${CLOCK_NAMES[clock]}已超时（时限 ${beijingTime(dueAt)}）`,
  awaitingRegistration: (r: CaseRecord) =>
    `待立案：${r.title}${r.registerDueAt === null ? '' : `，请于 ${beijingTime(r.registerDueAt)} 前立案`}`,
  returned: (reason: ReturnReason, by: string) => `被 ${by} 退单（${REASON_NAMES[reason]}），请重新派遣`,
  reopened: (why: string) => `已重新打开：${why}`,
  rejected: (title: string) => `核查不通过，退回重办：${title}`,
  linked: (what: string) => `新关联：${what}`,
  severityRaised: (from: Severity, to: Severity, by: string) =>
    `等级由${SEVERITY_NAMES[from]}升为${SEVERITY_NAMES[to]}：${by}`,
  resolved: (by: string) => `${by} 已办结，待核查`,
};

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
        const queued = await enqueueNotice(
          db,
          {
            targetKind,
            targetId,
            groupKey: `case:${record.parentId ?? record.id}`,
            kind: notice.kind,
            severity: record.severity,
            title: `${record.title}（${gridName(record.gridId)}）`,
            line: notice.text
              ? renderNoticeText(notice.text, readerId ? locales.get(readerId) : DEFAULT_LOCALE)
              : notice.line,
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
