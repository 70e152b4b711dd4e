import { appendAudit } from './audit.repository';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import { insertDevices, type NewDevice } from './device.repository';

/**
 * Engineers' changes to the device registry, each written in one transaction with its audit
 * entry. Secrets never reach the audit log, only the fact that one was issued.
 */

async function auditedDeviceChange(
  db: StateDb,
  actor: AuditActor,
  now: number,
  change: { action: string; deviceId: string; data: unknown },
  write: (tx: StateDb) => Promise<unknown>,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await write(tx);
    await appendAudit(tx, [
      {
        at: now,
        actorId: actor.id,
        actorName: actor.name,
        action: change.action,
        entityType: 'device',
        entityId: change.deviceId,
        data: change.data,
      },
    ]);
  });
}

export async function registerDevice(
  db: StateDb,
  device: NewDevice,
  actor: AuditActor,
  now: number,
): Promise<void> {
  const { secretHash: _hash, mosquittoHash: _mosquittoHash, ...data } = device;
  await auditedDeviceChange(
    db,
    actor,
    now,
    { action: 'admin.device_registered', deviceId: device.id, data },
    (tx) => insertDevices(tx, [device], now),
  );
}

/** A new secret's hashes: GridSense's own and Mosquitto's (`hashIssuedDeviceSecret`). */
export async function setDeviceSecretHash(
  db: StateDb,
  deviceId: string,
  hashes: { secretHash: string; mosquittoHash: string },
  actor: AuditActor,
  now: number,
): Promise<void> {
  await auditedDeviceChange(
    db,
    actor,
    now,
    { action: 'admin.device_secret_rotated', deviceId, data: null },
    (tx) =>
      tx
        .updateTable('devices')
        .set({ secret_hash: hashes.secretHash, mosquitto_hash: hashes.mosquittoHash })
        .where('id', '=', deviceId)
        .execute(),
  );
}

export async function setDeviceEnabled(
  db: StateDb,
  deviceId: string,
  enabled: boolean,
  actor: AuditActor,
  now: number,
): Promise<void> {
  const action = enabled ? 'admin.device_enabled' : 'admin.device_disabled';
  await auditedDeviceChange(db, actor, now, { action, deviceId, data: null }, (tx) =>
    tx
      .updateTable('devices')
      .set({ enabled: enabled ? 1 : 0 })
      .where('id', '=', deviceId)
      .execute(),
  );
}

/** Rejected messages per device, all reasons together (the registry list's counter). */
export async function countRejectsByDevice(db: StateDb): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('device_rejects')
    .select(['device_id', (eb) => eb.fn.sum<number>('count').as('total')])
    .groupBy('device_id')
    .execute();
  return new Map(rows.map((r) => [r.device_id, Number(r.total)]));
}
