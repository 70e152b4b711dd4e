import type { Kysely } from 'kysely';
import { createHmac } from 'node:crypto';
import { keysOf } from './state-keys';

/** One form of a dialled number: digits only, China's country code (+86, 0086) before a mobile dropped. */
export function normalizePhone(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^(?:0086|86)(?=1\d{10}$)/, '');
}

/**
 * A keyed hash of a caller's number (HMAC-SHA256 under the personal-data key), stored beside the
 * sealed number so cases from one caller (一人多诉) can be found without opening every number.
 * Keyed, because a plain hash of an 11-digit mobile number is reversed by trying them all.
 */
export function callerHash<DB>(db: Kysely<DB>, phone: string): string {
  return createHmac('sha256', `gridsense caller hash\n${keysOf(db).personalDataKey}`)
    .update(normalizePhone(phone))
    .digest('base64url');
}
