import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Why a delivery failed, as a key with parameters (`delivery.httpStatus` `{"status":502}`) beside
 * the English the log has always kept (`last_error`, `error`), so the console renders it in the
 * reader's language instead of translating English with patterns. Failures logged before this
 * migration are keyed from their English here; one it does not recognise (a system's own message,
 * `connect ECONNREFUSED …`) becomes `delivery.error` with the text as its message.
 */
export const deliveryFailureKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('notification_messages').addColumn('last_error_key', 'varchar(64)').execute();
    await db.schema.alterTable('notification_messages').addColumn('last_error_params', 'text').execute();
    await db.schema.alterTable('notification_attempts').addColumn('error_key', 'varchar(64)').execute();
    await db.schema.alterTable('notification_attempts').addColumn('error_params', 'text').execute();

    const messages = await sql<{ text: string }>`
      select distinct last_error as text from notification_messages where last_error is not null`.execute(db);
    for (const { text } of messages.rows) {
      const { key, params } = keyOfLoggedFailure(text);
      await sql`update notification_messages set last_error_key = ${key}, last_error_params = ${params}
        where last_error = ${text}`.execute(db);
    }
    const attempts = await sql<{ text: string }>`
      select distinct error as text from notification_attempts where error is not null`.execute(db);
    for (const { text } of attempts.rows) {
      const { key, params } = keyOfLoggedFailure(text);
      await sql`update notification_attempts set error_key = ${key}, error_params = ${params}
        where error = ${text}`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('notification_attempts').dropColumn('error_params').execute();
    await db.schema.alterTable('notification_attempts').dropColumn('error_key').execute();
    await db.schema.alterTable('notification_messages').dropColumn('last_error_params').execute();
    await db.schema.alterTable('notification_messages').dropColumn('last_error_key').execute();
  },
};

type Params = Record<string, string | number>;

/**
 * The English the delivery code wrote before 0038, each with its key. Kept here as it was, not
 * imported: a migration that has shipped must read the same rows the same way forever.
 */
const LOGGED_FAILURES: readonly [RegExp, string, (match: RegExpExecArray) => Params | null][] = [
  [/^HTTP (\d+)$/, 'delivery.httpStatus', (m) => ({ status: Number(m[1]) })],
  [/^no answer within (\d+) ms$/, 'delivery.timeout', (m) => ({ ms: Number(m[1]) })],
  [/^the answer was cut off$/, 'delivery.cutOff', () => null],
  [
    /^the answer was not JSON$|^the robot answered with something other than JSON$/,
    'delivery.notJson',
    () => null,
  ],
  [/^errcode (-?\d+): ([\s\S]*)$/, 'delivery.errcode', (m) => ({ code: Number(m[1]), message: m[2]! })],
  [/^errcode undefined: [\s\S]*$/, 'delivery.noErrcode', () => null],
  [/^the subscription is gone$/, 'delivery.subscriptionGone', () => null],
  [/^the channel is deleted or disabled$/, 'delivery.channelGone', () => null],
  [/^not a person target$/, 'delivery.notPersonTarget', () => null],
  [/^(dingtalk|wecom|sms) is not configured$/, 'delivery.notConfigured', (m) => ({ kind: m[1]! })],
  [/^the person has no (dingtalk|wecom|sms) id$/, 'delivery.noRecipient', (m) => ({ kind: m[1]! })],
  [
    /^no access token: HTTP (\d+), errcode (-?\d+): ([\s\S]*)$/,
    'delivery.noAccessTokenErrcode',
    (m) => ({ status: Number(m[1]), code: Number(m[2]), message: m[3]! }),
  ],
  [/^no access token: HTTP (\d+)$/, 'delivery.noAccessToken', (m) => ({ status: Number(m[1]) })],
  // Several reasons were joined with "; ": the first is the one kept, as delivery now logs it.
  [/^endpoint must be an https URL(?:;.*)?$/, 'delivery.notHttps', () => null],
  [/^endpoint must not carry a user name or password(?:;.*)?$/, 'delivery.urlCredentials', () => null],
  [/^(\S+) is not a public address$/, 'delivery.notPublicAddress', (m) => ({ host: m[1]! })],
  [
    /^(\S+) resolves to (\S+), not a public address$/,
    'delivery.resolvesPrivate',
    (m) => ({ host: m[1]!, address: m[2]! }),
  ],
  [/^(\S+) has no address, not a public address$/, 'delivery.noAddress', (m) => ({ host: m[1]! })],
];

/** A failure as logged before 0038, as its key and its parameters in JSON (null: none). */
export function keyOfLoggedFailure(text: string): { key: string; params: string | null } {
  for (const [pattern, key, paramsOf] of LOGGED_FAILURES) {
    const match = pattern.exec(text);
    if (!match) continue;
    const params = paramsOf(match);
    return { key, params: params ? JSON.stringify(params) : null };
  }
  return { key: 'delivery.error', params: JSON.stringify({ message: text }) };
}
