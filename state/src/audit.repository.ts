import {
  apiText,
  englishOf,
  type ApiText,
  type AuditEntryView,
  type AuditVerification,
} from '@gridsense/core';
import { sql, type ExpressionBuilder } from 'kysely';
import { createHash } from 'node:crypto';
import { isAnchorSealed, readAuditAnchors, type AnchorLine } from './audit-anchor';
import { auditMac, sealWithAuditKey } from './audit-key';
import type { StateDb } from './database';
import { dialectOf } from './dialect';
import type { Database } from './schema';
import { keysOf } from './state-keys';

/**
 * The tamper-evident audit log (全程留痕): every case move and every admin change, each row sealed
 * together with the previous row's hash. Rows are sealed with HMAC-SHA256 under the audit key, which
 * never enters the database (`audit-key.ts`), so rewriting a row needs the key as well as the file;
 * rows from before the key (below `audit_chain_start`) keep their plain SHA-256 links. Triggers
 * refuse UPDATE and DELETE, and the head is anchored outside the database (`audit-anchor.ts`), so
 * a removed tail is found too.
 */
export interface AuditInput {
  at: number;
  actorId: string;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

interface AuditRow {
  seq: number;
  at: number;
  actor_id: string;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  data: string;
  prev_hash: string;
}

const sealedFields = (row: AuditRow) => [
  row.seq,
  row.at,
  row.actor_id,
  row.actor_name,
  row.action,
  row.entity_type,
  row.entity_id,
  row.data,
];

/** How rows were linked before the audit key: anyone can recompute this, so it proves little alone. */
function sha256Link(row: AuditRow): string {
  return createHash('sha256')
    .update(`${row.prev_hash}\n${JSON.stringify(sealedFields(row))}`)
    .digest('hex');
}

/**
 * Appends entries after the current head. Call inside the transaction that makes the change, so
 * the change and its record commit together; called outside one, it opens its own, so reading the
 * head and writing after it cannot interleave with another append: SQLite has one writer at a
 * time; on PostgreSQL the transaction first takes the audit chain's advisory lock, so appends from
 * several processes queue instead of racing for the same seq.
 */
export async function appendAudit(db: StateDb, entries: readonly AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  if (!db.isTransaction) return db.transaction().execute((tx) => appendAudit(tx, entries));
  await lockAuditChain(db);
  const head = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const rows = [];
  for (const entry of entries) {
    seq++;
    const row = {
      seq,
      at: entry.at,
      actor_id: entry.actorId,
      actor_name: entry.actorName,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      data: JSON.stringify(entry.data ?? null),
      prev_hash: prev,
    };
    prev = await sealWithAuditKey(db, row.prev_hash, sealedFields(row));
    rows.push({ ...row, hash: prev });
  }
  await db.insertInto('audit_log').values(rows).execute();
}

/** Held until the transaction ends; the number is this lock's own, `hashtext('gridsense.audit_log')`. */
async function lockAuditChain(tx: StateDb): Promise<void> {
  if (dialectOf(tx) === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext('gridsense.audit_log'))`.execute(tx);
}

const when = (at: number) => new Date(at).toISOString();

/**
 * Recomputes the whole chain in pages; the first row that does not match breaks it. With the
 * anchor file, also: a row at an anchored seq must carry the anchored hash, the chain must reach
 * the newest anchor (else its tail was removed), and the keyed part must start where anchored.
 */
export async function verifyAuditChain(
  db: StateDb,
  options: { pageSize?: number; anchorFile?: string } = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 1000;
  const { anchors, malformed } = options.anchorFile
    ? await readAuditAnchors(options.anchorFile)
    : { anchors: [], malformed: [] };
  const newest = anchors.reduce<AnchorLine | undefined>((a, b) => (a && a.seq > b.seq ? a : b), undefined);
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const result = (brokenAt: number | null, reason: ApiText | null): AuditVerification => ({
    ok: reason === null,
    checked,
    brokenAt,
    reason: reason && englishOf(reason),
    reasonText: reason,
    headHash: prev,
    anchor: newest ? { seq: newest.seq, at: newest.at } : null,
  });
  /** A forged line cannot excuse a broken chain, but it is tampering worth naming on its own. */
  const unsealed = (anchor: AnchorLine) =>
    result(null, apiText('audit.anchorUnsealed', { line: anchor.line }));

  if (malformed.length > 0) return result(null, apiText('audit.anchorMalformed', { line: malformed[0]! }));
  const start = await db.selectFrom('audit_chain_start').select('hmac_from_seq').executeTakeFirst();
  if (!start) return result(null, apiText('audit.keyedStartUnknown'));
  const keyedFrom = start.hmac_from_seq;
  const moved = anchors.find((a) => a.keyedFrom !== keyedFrom);
  if (moved) {
    if (!(await isAnchorSealed(db, moved))) return unsealed(moved);
    return result(
      Math.min(keyedFrom, moved.keyedFrom),
      apiText('audit.keyedStartMoved', { seq: keyedFrom, anchored: moved.keyedFrom, at: when(moved.at) }),
    );
  }
  const { auditKey } = keysOf(db);
  const anchoredAt = new Map<number, AnchorLine[]>();
  for (const anchor of anchors) anchoredAt.set(anchor.seq, [...(anchoredAt.get(anchor.seq) ?? []), anchor]);

  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq)
        return result(expectedSeq, apiText('audit.entryMissing', { seq: expectedSeq }));
      if (row.prev_hash !== prev) return result(row.seq, apiText('audit.unlinked'));
      const fields = { ...row, at: Number(row.at) };
      const expected =
        row.seq < keyedFrom ? sha256Link(fields) : auditMac(auditKey, row.prev_hash, sealedFields(fields));
      if (expected !== row.hash) return result(row.seq, apiText('audit.hashMismatch'));
      for (const anchor of anchoredAt.get(row.seq) ?? []) {
        if (anchor.hash === row.hash) continue;
        if (!(await isAnchorSealed(db, anchor))) return unsealed(anchor);
        return result(row.seq, apiText('audit.differsFromAnchor', { at: when(anchor.at) }));
      }
      prev = row.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < pageSize) break;
  }
  const headSeq = expectedSeq - 1;
  if (newest && newest.seq > headSeq) {
    if (!(await isAnchorSealed(db, newest))) return unsealed(newest);
    return result(
      headSeq + 1,
      apiText('audit.entriesRemoved', { seq: headSeq, anchored: newest.seq, at: when(newest.at) }),
    );
  }
  return result(null, null);
}

/**
 * Who reads which entries. Undefined: everything (district readers). Otherwise only entries whose
 * entity lies in these regions and grids; entries that cannot be placed in a region (district-wide
 * settings such as categories, deadlines, the calendar) are for district readers only.
 */
export interface AuditScope {
  regionIds: readonly string[];
  gridIds: readonly string[];
}

/** Entity types whose id is a region (readers and exporters are recorded against their region). */
const REGION_ENTITIES = ['region', 'audit_log', 'analytics'];

/** The audit data's JSON, read in each database's own JSON functions. */
function auditJson(db: StateDb) {
  if (dialectOf(db) === 'postgres')
    return {
      field: (name: string) => sql<string>`(audit_log.data::jsonb ->> ${sql.lit(name)})`,
      scopeRegions: sql`jsonb_array_elements_text(audit_log.data::jsonb #> '{rule,scope,regionIds}') as r(value)`,
    };
  return {
    field: (name: string) => sql<string>`json_extract(audit_log.data, ${sql.lit(`$.${name}`)})`,
    scopeRegions: sql`json_each(audit_log.data, '$.rule.scope.regionIds') as r`,
  };
}

function inScope(db: StateDb, scope: AuditScope) {
  const json = auditJson(db);
  const regionIds = scope.regionIds.length > 0 ? [...scope.regionIds] : [''];
  const gridIds = scope.gridIds.length > 0 ? [...scope.gridIds] : [''];
  return (eb: ExpressionBuilder<Database, 'audit_log'>) =>
    eb.or([
      eb.and([eb('entity_type', 'in', REGION_ENTITIES), eb('entity_id', 'in', regionIds)]),
      eb.and([
        eb('entity_type', '=', 'case'),
        eb('entity_id', 'in', eb.selectFrom('cases').select('id').where('grid_id', 'in', gridIds)),
      ]),
      eb.and([
        eb('entity_type', '=', 'device'),
        eb('entity_id', 'in', eb.selectFrom('devices').select('id').where('grid_id', 'in', gridIds)),
      ]),
      eb.and([
        eb('entity_type', '=', 'user'),
        eb('entity_id', 'in', eb.selectFrom('users').select('id').where('region_id', 'in', regionIds)),
      ]),
      eb.and([
        eb('entity_type', '=', 'channel'),
        eb(
          'entity_id',
          'in',
          eb.selectFrom('notification_channels').select('id').where('region_id', 'in', regionIds),
        ),
      ]),
      eb.and([eb('entity_type', '=', 'dispatch_rule'), eb(json.field('regionId'), 'in', regionIds)]),
      // A detection rule belongs to a region when it names only regions inside it.
      eb.and([
        eb('entity_type', '=', 'rule'),
        sql<boolean>`exists (select 1 from ${json.scopeRegions})`,
        sql<boolean>`not exists (select 1 from ${json.scopeRegions}
          where r.value not in (${sql.join(regionIds)}))`,
      ]),
    ]);
}

/**
 * Which entries to list. Oldest first after `afterSeq` (a follower catching up), or newest first
 * before `beforeSeq` (`newestFirst`, the auditor paging back); `from` ≤ at < `to` in epoch ms.
 */
export interface AuditListFilter {
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: number;
  to?: number;
  afterSeq?: number;
  beforeSeq?: number;
  newestFirst?: boolean;
  limit: number;
  scope?: AuditScope;
}

export async function listAudit(db: StateDb, filter: AuditListFilter): Promise<AuditEntryView[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.entityType) q = q.where('entity_type', '=', filter.entityType);
  if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
  if (filter.beforeSeq !== undefined) q = q.where('seq', '<', filter.beforeSeq);
  if (filter.scope) q = q.where(inScope(db, filter.scope));
  const rows = await q
    .orderBy('seq', filter.newestFirst ? 'desc' : 'asc')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: Number(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    data: JSON.parse(r.data) as unknown,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
