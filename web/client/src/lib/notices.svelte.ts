import type { NotificationView, UnreadNoticesView } from '@gridsense/core';
import { beep, notify } from './alerting.svelte';
import { request } from './api';
import { reportHref } from './assessment-api';
import { caseHref } from './routes';
import { navigate } from './router.svelte';
import { showToast } from './toasts.svelte';
import { t, tOr } from '../i18n/index.svelte';

/** Kept on hand for the header's list; older ones stay on the server. */
const KEPT = 50;

/**
 * One's own notices (returned, escalated, reminders …) as the server sends them: the latest, and
 * how many are unread. The server keeps the read state, so every device of a person agrees.
 */
export const notices = $state<{ latest: NotificationView[]; unread: number }>({ latest: [], unread: 0 });

/** What the server has (after signing in, and again after a reconnect, when pushes may be lost). */
export async function loadNotices(): Promise<void> {
  const [latest, { unread }] = await Promise.all([
    request<NotificationView[]>('GET', '/api/notifications'),
    request<UnreadNoticesView>('GET', '/api/notifications/unread'),
  ]);
  notices.latest = latest;
  notices.unread = unread;
}

export function clearNotices(): void {
  notices.latest = [];
  notices.unread = 0;
}

/** A pushed notice: counted, listed, shown as a toast; a critical one beeps and may notify. */
export function receiveNotice(notice: NotificationView): void {
  // A grouped notice comes again as its group grows: the same id replaces the earlier one.
  const earlier = notices.latest.find((n) => n.id === notice.id);
  if (!earlier || earlier.read) notices.unread += 1;
  notices.latest = [notice, ...notices.latest.filter((n) => n.id !== notice.id)].slice(0, KEPT);

  // Being assigned is announced by the case's own push already (a toast and a beep, at once).
  if (notice.kind === 'assigned') return;
  const text = noticeText(notice);
  const href = noticeHref(notice);
  const critical = notice.severity === 'critical';
  showToast({ tone: critical || notice.kind === 'escalated' ? 'alert' : 'info', text, href });
  if (critical) {
    beep();
    notify(text, notice.lines.at(-1) ?? '', () => {
      if (href) navigate(href);
    });
  }
}

/** Where a notice leads: a report's to the report, a case's to its (first) case, others nowhere. */
export function noticeHref(notice: NotificationView): string | undefined {
  if (notice.reportId !== undefined) return reportHref(notice.reportId);
  if (notice.placeId !== undefined) return '#/places';
  const caseId = notice.caseIds[0];
  return caseId === undefined ? undefined : caseHref(caseId);
}

/** "Escalated: {title}", in the console's language (the title is the case's own). */
export function noticeText(notice: NotificationView): string {
  // A kind this console does not know yet still shows its case.
  const text = tOr(`notice.${notice.kind}`, '{title}').replace('{title}', notice.title);
  return notice.count > 1 ? `${text} ${t('notice.more', { count: notice.count })}` : text;
}

/** Marks everything listed read (notices that arrive meanwhile stay unread). */
export async function markNoticesRead(): Promise<void> {
  const upTo = Math.max(0, ...notices.latest.map((n) => n.id));
  if (upTo === 0) return;
  const { unread } = await request<UnreadNoticesView>('POST', '/api/notifications/read', {
    upTo,
  });
  notices.latest = notices.latest.map((n) => (n.id <= upTo ? { ...n, read: true } : n));
  notices.unread = unread;
}
