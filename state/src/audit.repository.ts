import type { AuditEntryView, AuditVerification } from '@gridsense/core';
import { createHash } from 'node:crypto';
import type { StateDb } from './database';

/**
 * The tamper-evident audit log (全程留痕): every case move and every admin change, each row
 * hashed together with the previous row's hash. Changing, deleting or reordering a row breaks
 * every hash after it, which `verifyAuditChain` finds.
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

function hashRow(row: {
  seq: number;
  at: number;
  actor_id: string;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  data: string;
  prev_hash: string;
}): string {
  const body = JSON.stringify([
    row.seq,
    row.at,
    row.actor_id,
    row.actor_name,
    row.action,
    row.entity_type,
    row.entity_id,
    row.data,
  ]);
  return createHash('sha256').update(`${row.prev_hash}\n${body}`).digest('hex');
}

/**
 * Appends entries after the current head. Call inside the transaction that makes the change, so
 * the change and its record commit together. (SQLite serialises writers; on PostgreSQL take an
 * advisory lock first so two writers cannot fork the chain.)
 */
export async function appendAudit(db: StateDb, entries: readonly AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  const head = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const rows = entries.map((entry) => {
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
    prev = hashRow(row);
    return { ...row, hash: prev };
  });
  await db.insertInto('audit_log').values(rows).execute();
}

/** Recomputes the whole chain in pages; the first row that does not match breaks it. */
export async function verifyAuditChain(db: StateDb, pageSize = 1000): Promise<AuditVerification> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const broken = (reason: string): AuditVerification => ({
        ok: false,
        checked,
        brokenAt: row.seq,
        reason,
        headHash: prev,
      });
      if (row.seq !== expectedSeq)
        return { ...broken(`entry ${expectedSeq} is missing`), brokenAt: expectedSeq };
      if (row.prev_hash !== prev) return broken('does not link to the previous entry');
      if (hashRow({ ...row, at: Number(row.at) }) !== row.hash)
        return broken('content does not match its hash');
      prev = row.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < pageSize) return { ok: true, checked, brokenAt: null, reason: null, headHash: prev };
  }
}

export async function listAudit(
  db: StateDb,
  filter: { entityType?: string; entityId?: string; afterSeq?: number; limit: number },
): Promise<AuditEntryView[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.entityType) q = q.where('entity_type', '=', filter.entityType);
  if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
  if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
  const rows = await q.orderBy('seq').limit(filter.limit).execute();
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
