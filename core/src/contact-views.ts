import { apiText } from './api-texts';
import type { Problem } from './errors';

/** How a person is reached outside the console, as administrators set it (`/api/admin/people/:id/contacts`). */
export interface PersonContactsView {
  /** Work phone, digits with an optional leading +. */
  phone: string | null;
  /** DingTalk userid: 工作通知 go to this person by it. */
  dingtalkUserId: string | null;
  /** WeCom userid: 应用消息 go to this person by it. */
  wecomUserId: string | null;
}

/** Why a colleague is listed on a case. */
export type CaseContactRole = 'dispatcher' | 'reporter' | 'assignee' | 'co_handler';

/** A colleague on a case with a work phone, for a `tel:` link (`GET /api/cases/:id/contacts`). */
export interface CaseContactView {
  userId: string;
  name: string;
  roles: CaseContactRole[];
  phone: string;
}

const PHONE = /^\+?\d{5,20}$/;
const PLATFORM_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const FIELDS: readonly (keyof PersonContactsView)[] = ['phone', 'dingtalkUserId', 'wecomUserId'];

/** A field as sent: absent, null and blank clear it; phone separators are dropped. */
function fieldValue(body: Record<string, unknown>, key: keyof PersonContactsView): string | null | false {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return false;
  const trimmed = key === 'phone' ? value.replace(/[\s()-]/g, '') : value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Validates the contacts an administrator sends, listing every problem; blanks clear a field. */
export function parsePersonContacts(
  input: unknown,
): { ok: true; contacts: PersonContactsView } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, errors: [apiText('contacts.bodyShape')] };
  const body = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const phone = fieldValue(body, 'phone');
  const dingtalkUserId = fieldValue(body, 'dingtalkUserId');
  const wecomUserId = fieldValue(body, 'wecomUserId');
  if (phone === false || (phone !== null && !PHONE.test(phone))) errors.push(apiText('contacts.phone'));
  if (dingtalkUserId === false || (dingtalkUserId !== null && !PLATFORM_ID.test(dingtalkUserId)))
    errors.push(apiText('contacts.dingtalkUserId'));
  if (wecomUserId === false || (wecomUserId !== null && !PLATFORM_ID.test(wecomUserId)))
    errors.push(apiText('contacts.wecomUserId'));
  if (Object.keys(body).some((key) => !(FIELDS as readonly string[]).includes(key)))
    errors.push(apiText('contacts.onlyThese'));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    contacts: {
      phone: phone || null,
      dingtalkUserId: dingtalkUserId || null,
      wecomUserId: wecomUserId || null,
    },
  };
}
