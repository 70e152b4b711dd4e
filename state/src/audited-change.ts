import { appendAudit } from './audit.repository';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';

export interface AuditedChange {
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

/** Runs an administrator's write and appends its audit entry in one transaction: both or neither. */
export async function writeAudited<T>(
  db: StateDb,
  actor: AuditActor,
  now: number,
  change: AuditedChange,
  write: (tx: StateDb) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const result = await write(tx);
    await appendAudit(tx, [
      {
        at: now,
        actorId: actor.id,
        actorName: actor.name,
        action: change.action,
        entityType: change.entityType,
        entityId: change.entityId,
        data: change.data,
      },
    ]);
    return result;
  });
}
