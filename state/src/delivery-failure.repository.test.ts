import { apiText } from '@gridsense/core';
import { Migrator, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateDb } from './database';
import { migrateToLatest, migrationProvider } from './migrations';
import {
  enqueueNotice,
  listDeliveryLog,
  recordAttempt,
  type OutgoingNotice,
} from './notification.repository';
import { listReportDeliveries, queueReportNotice } from './report-delivery.repository';
import { upsertChannel } from './notification-channel.repository';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 11, 4, 10);

const notice = (targetId: string): OutgoingNotice => ({
  targetKind: 'channel',
  targetId,
  groupKey: `case:C-${targetId}`,
  kind: 'opened',
  severity: 'warning',
  title: '新事件',
  line: '新事件：楼道堆物',
  caseId: `C-${targetId}`,
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('why a delivery failed, on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return db;
  }

  it('stores each failure as a key with its parameters beside its English, and clears them once sent', async () => {
    const db = await fresh();
    const { id } = await enqueueNotice(db, notice('ding'), NOW, 0);
    const errcode = apiText('delivery.errcode', { code: 130101, message: 'send too fast' });
    await recordAttempt(
      db,
      id,
      {
        at: NOW,
        ok: false,
        statusCode: 502,
        failure: apiText('delivery.httpStatus', { status: 502 }),
        durationMs: 5,
      },
      { status: 'pending', notBefore: NOW + 1000 },
    );
    await recordAttempt(
      db,
      id,
      { at: NOW + 1000, ok: false, statusCode: 200, failure: errcode, durationMs: 7 },
      { status: 'pending', notBefore: NOW + 3000 },
    );
    const [failing] = await listDeliveryLog(db, { targetId: 'ding', limit: 10 });
    expect(failing!.message).toMatchObject({
      status: 'pending',
      lastError: 'errcode 130101: send too fast',
      lastErrorText: errcode,
    });
    expect(failing!.attempts.map((a) => [a.error, a.errorText])).toEqual([
      ['HTTP 502', { key: 'delivery.httpStatus', params: { status: 502 } }],
      ['errcode 130101: send too fast', errcode],
    ]);

    // A key without parameters reads back without them; a success has neither text nor key.
    const other = await enqueueNotice(db, notice('gone'), NOW, 0);
    await recordAttempt(
      db,
      other.id,
      { at: NOW, ok: false, statusCode: null, failure: apiText('delivery.channelGone'), durationMs: 1 },
      { status: 'failed', notBefore: NOW },
    );
    await recordAttempt(
      db,
      id,
      { at: NOW + 3000, ok: true, statusCode: 200, failure: null, durationMs: 3 },
      { status: 'sent', notBefore: NOW + 3000 },
    );
    const log = await listDeliveryLog(db, { targetKind: 'channel', limit: 10 });
    const byTarget = Object.fromEntries(
      log.map((entry) => [
        entry.message.targetId,
        [
          entry.message.status,
          entry.message.lastError,
          entry.message.lastErrorText,
          entry.attempts.at(-1)!.errorText,
        ],
      ]),
    );
    expect(byTarget).toEqual({
      ding: ['sent', null, null, null],
      gone: [
        'failed',
        'the channel is deleted or disabled',
        { key: 'delivery.channelGone' },
        { key: 'delivery.channelGone' },
      ],
    });
  });

  it("gives a report's channel outcome with the failure's key", async () => {
    const db = await fresh();
    await db
      .insertInto('regions')
      .values({ id: 'S1', level: 'street', parent_id: null, name: '望江街道', boundary: null })
      .execute();
    await upsertChannel(
      db,
      {
        id: 'wangjiang',
        kind: 'dingtalk',
        name: '望江街道群',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        secret: null,
        regionId: 'S1',
        minSeverity: 'info',
        kinds: [],
        enabled: true,
      },
      { id: 'u-admin', name: 'admin' },
      NOW,
    );
    await queueReportNotice(
      db,
      { channelId: 'wangjiang', reportId: 7, title: '日点评', lines: ['立案 1 件'], caseIds: [] },
      NOW,
    );
    const [entry] = await listDeliveryLog(db, { targetId: 'wangjiang', limit: 1 });
    await recordAttempt(
      db,
      entry!.message.id,
      {
        at: NOW,
        ok: false,
        statusCode: null,
        failure: apiText('delivery.timeout', { ms: 10_000 }),
        durationMs: 10_000,
      },
      { status: 'pending', notBefore: NOW + 5000 },
    );
    const { channels } = await listReportDeliveries(db, 7);
    expect(channels).toEqual([
      {
        channelId: 'wangjiang',
        channelName: '望江街道群',
        status: 'pending',
        attempts: 1,
        sentAt: null,
        lastError: 'no answer within 10000 ms',
        lastErrorText: { key: 'delivery.timeout', params: { ms: 10_000 } },
      },
    ]);
  });

  it('keys the failures logged before 0038 from their English; one it does not know keeps its text', async () => {
    const db = await fresh();
    const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider });
    const { error } = await migrator.migrateTo('0037_report_notices');
    expect(error).toBeUndefined();
    const logged = [
      'HTTP 503',
      'no answer within 10000 ms',
      'errcode 310000: keywords not in content',
      'the robot answered with something other than JSON',
      'the answer was not JSON',
      'the subscription is gone',
      'wecom is not configured',
      'the person has no sms id',
      'no access token: HTTP 200, errcode 40013: invalid corpid',
      'endpoint must be an https URL; 127.0.0.1 is not a public address',
      'localhost resolves to 127.0.0.1, not a public address',
      'connect ECONNREFUSED 127.0.0.1:9',
    ];
    const ids: number[] = [];
    for (const [index, text] of logged.entries()) {
      const { id } = await enqueueNotice(db, notice(`t${index}`), NOW, 0);
      ids.push(id);
      // As the delivery code wrote them then: the English alone, in both tables.
      await db
        .insertInto('notification_attempts')
        .values({ message_id: id, at: NOW, ok: 0, status_code: null, error: text, duration_ms: 1 })
        .execute();
      await db
        .updateTable('notification_messages')
        .set({ status: 'failed', attempts: 1, last_error: text })
        .where('id', '=', id)
        .execute();
    }
    // A message sent at the first try has no failure to key.
    const sent = await enqueueNotice(db, notice('ok'), NOW, 0);
    await db
      .updateTable('notification_messages')
      .set({ status: 'sent', attempts: 1, sent_at: NOW })
      .where('id', '=', sent.id)
      .execute();

    await migrateToLatest(db as Kysely<unknown>);
    const log = await listDeliveryLog(db, { targetKind: 'channel', limit: 50 });
    const texts = new Map(log.map((entry) => [entry.message.id, entry]));
    expect(ids.map((id) => [texts.get(id)!.message.lastError, texts.get(id)!.message.lastErrorText])).toEqual(
      [
        ['HTTP 503', { key: 'delivery.httpStatus', params: { status: 503 } }],
        ['no answer within 10000 ms', { key: 'delivery.timeout', params: { ms: 10000 } }],
        [
          'errcode 310000: keywords not in content',
          { key: 'delivery.errcode', params: { code: 310000, message: 'keywords not in content' } },
        ],
        ['the robot answered with something other than JSON', { key: 'delivery.notJson' }],
        ['the answer was not JSON', { key: 'delivery.notJson' }],
        ['the subscription is gone', { key: 'delivery.subscriptionGone' }],
        ['wecom is not configured', { key: 'delivery.notConfigured', params: { kind: 'wecom' } }],
        ['the person has no sms id', { key: 'delivery.noRecipient', params: { kind: 'sms' } }],
        [
          'no access token: HTTP 200, errcode 40013: invalid corpid',
          {
            key: 'delivery.noAccessTokenErrcode',
            params: { status: 200, code: 40013, message: 'invalid corpid' },
          },
        ],
        ['endpoint must be an https URL; 127.0.0.1 is not a public address', { key: 'delivery.notHttps' }],
        [
          'localhost resolves to 127.0.0.1, not a public address',
          { key: 'delivery.resolvesPrivate', params: { host: 'localhost', address: '127.0.0.1' } },
        ],
        [
          'connect ECONNREFUSED 127.0.0.1:9',
          { key: 'delivery.error', params: { message: 'connect ECONNREFUSED 127.0.0.1:9' } },
        ],
      ],
    );
    // The attempts were keyed the same way.
    expect(texts.get(ids[0]!)!.attempts.map((a) => [a.error, a.errorText])).toEqual([
      ['HTTP 503', { key: 'delivery.httpStatus', params: { status: 503 } }],
    ]);
    expect(texts.get(sent.id)!.message).toMatchObject({
      status: 'sent',
      lastError: null,
      lastErrorText: null,
    });

    // And back down: the key columns go, the English stays.
    expect((await migrator.migrateTo('0037_report_notices')).error).toBeUndefined();
    const kept = await db
      .selectFrom('notification_messages')
      .select('last_error')
      .where('id', '=', ids[0]!)
      .executeTakeFirstOrThrow();
    expect(kept.last_error).toBe('HTTP 503');
    await migrateToLatest(db as Kysely<unknown>);
  });
});
