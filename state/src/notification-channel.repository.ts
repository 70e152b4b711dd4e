import { apiText, AppError, type NoticeKind, type Severity } from '@gridsense/core';
import type { Selectable } from 'kysely';
import { appendAudit } from './audit.repository';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import type { Database } from './schema';

/** Where notices go besides people: webhooks, DingTalk and WeCom robots; and Web Push subscriptions. */
export type ChannelKind = 'webhook' | 'dingtalk' | 'wecom';

export interface NotificationChannel {
  id: string;
  kind: ChannelKind;
  name: string;
  url: string;
  /** HMAC key: DingTalk signing, or the generic webhook's X-GridSense-Signature. */
  secret: string | null;
  /** Notices about grids in this region's subtree. */
  regionId: string;
  minSeverity: Severity;
  /** Notice kinds to send; empty means all. */
  kinds: NoticeKind[];
  enabled: boolean;
}

type ChannelRow = Selectable<Database['notification_channels']>;
const toChannel = (r: ChannelRow): NotificationChannel => ({
  id: r.id,
  kind: r.kind as ChannelKind,
  name: r.name,
  url: r.url,
  secret: r.secret,
  regionId: r.region_id,
  minSeverity: r.min_severity as Severity,
  kinds: JSON.parse(r.kinds) as NoticeKind[],
  enabled: r.enabled === 1,
});

export async function listChannels(db: StateDb): Promise<NotificationChannel[]> {
  return (await db.selectFrom('notification_channels').selectAll().orderBy('id').execute()).map(toChannel);
}

export async function upsertChannel(
  db: StateDb,
  channel: NotificationChannel,
  actor: AuditActor,
  now: number,
) {
  const row = {
    kind: channel.kind,
    name: channel.name,
    url: channel.url,
    secret: channel.secret,
    region_id: channel.regionId,
    min_severity: channel.minSeverity,
    kinds: JSON.stringify(channel.kinds),
    enabled: channel.enabled ? 1 : 0,
  };
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('notification_channels')
      .values({ id: channel.id, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    // The secret and the URL (which may carry a robot token) stay out of the audit log.
    const { secret: _secret, url: _url, ...safe } = channel;
    await appendAudit(tx, [
      {
        at: now,
        actorId: actor.id,
        actorName: actor.name,
        action: 'admin.channel_set',
        entityType: 'channel',
        entityId: channel.id,
        data: safe,
      },
    ]);
  });
}

export async function deleteChannel(db: StateDb, id: string, actor: AuditActor, now: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const result = await tx.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1)
      throw new AppError('not_found', apiText('notFound.channel', { id }));
    await appendAudit(tx, [
      {
        at: now,
        actorId: actor.id,
        actorName: actor.name,
        action: 'admin.channel_deleted',
        entityType: 'channel',
        entityId: id,
        data: null,
      },
    ]);
  });
}

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
}

/**
 * Saves (or refreshes) a subscription; with `keepPerUser`, the person's least recently saved
 * ones beyond that many are removed in the same transaction. Answers how many were removed.
 */
export async function savePushSubscription(
  db: StateDb,
  sub: PushSubscriptionRecord,
  now: number,
  keepPerUser = Infinity,
): Promise<number> {
  const row = { user_id: sub.userId, p256dh: sub.p256dh, auth: sub.auth, created_at: now };
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('push_subscriptions')
      .values({ endpoint: sub.endpoint, ...row })
      .onConflict((oc) => oc.column('endpoint').doUpdateSet(row))
      .execute();
    if (!Number.isFinite(keepPerUser)) return 0;
    const newest = tx
      .selectFrom('push_subscriptions')
      .select('endpoint')
      .where('user_id', '=', sub.userId)
      .orderBy('created_at', 'desc')
      .orderBy((eb) => eb.case().when('endpoint', '=', sub.endpoint).then(0).else(1).end())
      .limit(keepPerUser);
    const removed = await tx
      .deleteFrom('push_subscriptions')
      .where('user_id', '=', sub.userId)
      .where('endpoint', 'not in', newest)
      .executeTakeFirst();
    return Number(removed.numDeletedRows);
  });
}

export async function deletePushSubscription(
  db: StateDb,
  endpoint: string,
  userId?: string,
): Promise<boolean> {
  let q = db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint);
  if (userId) q = q.where('user_id', '=', userId);
  return Number((await q.executeTakeFirst()).numDeletedRows) === 1;
}

export async function listPushSubscriptions(db: StateDb, userId: string): Promise<PushSubscriptionRecord[]> {
  const rows = await db.selectFrom('push_subscriptions').selectAll().where('user_id', '=', userId).execute();
  return rows.map((r) => ({ endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth }));
}

export async function findPushSubscription(
  db: StateDb,
  endpoint: string,
): Promise<PushSubscriptionRecord | undefined> {
  const r = await db
    .selectFrom('push_subscriptions')
    .selectAll()
    .where('endpoint', '=', endpoint)
    .executeTakeFirst();
  return r && { endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth };
}
