import { writeAudited } from './audited-change';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import { personalData } from './personal-data-key';

/** How a person is reached outside the console; each field may be missing. */
export interface PersonContacts {
  /** Work phone: `tel:` links for colleagues on a case, and the SMS gateway. */
  phone: string | null;
  /** DingTalk userid (工作通知). */
  dingtalkUserId: string | null;
  /** WeCom userid (应用消息). */
  wecomUserId: string | null;
}

export const NO_CONTACTS: PersonContacts = { phone: null, dingtalkUserId: null, wecomUserId: null };

/** The contacts of these people (the phone opened); people without any are absent. */
export async function listPersonContacts(
  db: StateDb,
  userIds: readonly string[],
): Promise<Map<string, PersonContacts>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('person_contacts')
    .select(['user_id', 'phone', 'dingtalk_user_id', 'wecom_user_id'])
    .where('user_id', 'in', [...new Set(userIds)])
    .execute();
  const sealed = personalData(db);
  return new Map(
    rows.map((r) => [
      r.user_id,
      { phone: sealed.open(r.phone), dingtalkUserId: r.dingtalk_user_id, wecomUserId: r.wecom_user_id },
    ]),
  );
}

export async function findPersonContacts(db: StateDb, userId: string): Promise<PersonContacts> {
  return (await listPersonContacts(db, [userId])).get(userId) ?? NO_CONTACTS;
}

/**
 * Sets a person's contacts (all three; null clears one), audited. The audit entry says which
 * fields are set, never the phone number itself.
 */
export async function setPersonContacts(
  db: StateDb,
  userId: string,
  contacts: PersonContacts,
  actor: AuditActor,
  now: number,
): Promise<void> {
  const row = {
    phone: personalData(db).seal(contacts.phone),
    dingtalk_user_id: contacts.dingtalkUserId,
    wecom_user_id: contacts.wecomUserId,
    updated_at: now,
  };
  await writeAudited(
    db,
    actor,
    now,
    {
      action: 'admin.contacts_set',
      entityType: 'user',
      entityId: userId,
      data: {
        phone: contacts.phone !== null,
        dingtalkUserId: contacts.dingtalkUserId,
        wecomUserId: contacts.wecomUserId,
      },
    },
    (tx) =>
      tx
        .insertInto('person_contacts')
        .values({ user_id: userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
        .execute(),
  );
}
