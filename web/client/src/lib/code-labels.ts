import { zhCN, type MessageKey } from '../i18n/zh-CN';

/**
 * Names for the codes the API stores, so none reaches the screen raw. Each takes the console's
 * `t`, so these run the same in the browser and in a unit test with a plain dictionary.
 */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const has = (key: string): key is MessageKey => key in zhCN;

/** A timeline action by name; one the console does not know yet is "other", never its code. */
export function timelineActionLabel(action: string, t: Translate): string {
  const key = `action.${action}`;
  return has(key) ? t(key) : t('action.other');
}

const SPAN = /^(\d+(?:\.\d+)?)(m|h|d|wh|wd)$/;

/** An SLA span as words: `3wd` → "3 个工作日", `30m` → "30 分钟"; anything else as written. */
export function spanText(span: string, t: Translate): string {
  const match = SPAN.exec(span.trim());
  if (!match) return span;
  return t(`span.${match[2] as 'm' | 'h' | 'd' | 'wh' | 'wd'}`, { n: Number(match[1]) });
}

/** A delivery's status (`sent`, `pending`, `failed`). */
export function deliveryStatusLabel(status: string, t: Translate): string {
  const key = `delivery.${status}`;
  return has(key) ? t(key) : status;
}

/** Whom a delivery went to: the kind in words and the person's or channel's name. */
export function deliveryTargetLabel(kind: string, name: string | null | undefined, t: Translate): string {
  const key = `deliveryTarget.${kind}`;
  const label = has(key) ? t(key) : kind;
  return t('delivery.to', { kind: label, name: name ?? t('codes.someone') });
}

/** An audit action in words: its own label, a case move by its timeline name, else "other". */
export function auditActionLabel(action: string, t: Translate): string {
  const key = `auditAction.${action}`;
  if (has(key) && action !== 'case') return t(key);
  if (action.startsWith('case.'))
    return t('auditAction.case', { action: timelineActionLabel(action.slice(5), t) });
  return t('action.other');
}

/** What kinds of thing an audit entry can be about, as the filter offers them. */
export const AUDIT_ENTITY_TYPES = Object.keys(zhCN)
  .filter((key) => key.startsWith('auditEntity.') && key !== 'auditEntity.other')
  .map((key) => key.slice('auditEntity.'.length));

/** The audit actions the console names, as the filter offers them (case moves are many; not listed). */
export const AUDIT_ACTIONS = Object.keys(zhCN)
  .filter((key) => key.startsWith('auditAction.') && key !== 'auditAction.case')
  .map((key) => key.slice('auditAction.'.length));

/** The kind of thing an audit entry is about. */
export function auditEntityLabel(entityType: string, t: Translate): string {
  const key = `auditEntity.${entityType}`;
  return has(key) ? t(key) : t('auditEntity.other');
}
