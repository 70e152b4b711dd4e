import type { TimelineEntry } from '@gridsense/core';
import type { Translate } from './code-labels';

const REASONS = ['disabled', 'left_grid', 'shift_ended'] as const;

/**
 * What a handover entry says, in the reader's language: from whom to whom (or back to the
 * dispatcher, or a co-handler's place that lapsed) and why. Null for any other entry.
 */
export function entryHandover(entry: TimelineEntry, t: Translate): string | null {
  if (entry.action !== 'handover') return null;
  const data = entry.data ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  const known = REASONS.find((r) => r === data.reason);
  const reason = known ? t(`handover.reason.${known}`) : t('action.other');
  const from = text(data.fromName) ?? text(data.fromUserId) ?? t('codes.someone');
  const toId = text(data.toUserId);
  if (!toId) return t(data.role === 'co' ? 'handover.lapsed' : 'handover.toDesk', { from, reason });
  return t('handover.to', { from, to: text(data.toName) ?? toId, reason });
}
