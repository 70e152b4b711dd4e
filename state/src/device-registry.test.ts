import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { hashDeviceSecret } from './credentials';
import type { StateDb } from './database';
import { registerDevice, setDeviceEnabled, setDeviceSecretHash } from './device-admin.repository';
import { insertDevices, setDeviceOnline, type NewDevice } from './device.repository';
import { DeviceRegistry } from './device-registry';
import {
  openTestStateDbAgain,
  seededStateDb,
  stateDialects,
  type StateDialect,
} from './testing/state-db-fixture';

const NOW = 1_795_300_000_000;
const actor = { id: 'eng1', name: '工程师' };

const device = (id: string, secret = `${id}-secret`): NewDevice => ({
  id,
  gridId: 'G1',
  type: 'smoke_detector',
  name: id,
  lat: 30.1,
  lng: 120.2,
  secretHash: hashDeviceSecret(secret),
});

const seeded = seededStateDb(async (db) => {
  await db
    .insertInto('regions')
    .values([
      { id: 'G1', level: 'grid', parent_id: null, name: '第1网格', boundary: null },
      { id: 'G2', level: 'grid', parent_id: null, name: '第2网格', boundary: null },
    ])
    .execute();
  await insertDevices(db, [device('D1'), device('D2'), device('D3')], NOW);
});

describe.each(stateDialects())('the device registry on %s', (dialect) => {
  // Two handles on one database: this node's, and another node's (or the web service's).
  let db: StateDb;
  let other: StateDb;
  let registry: DeviceRegistry;

  const open = async (options: { fullReloadEvery?: number } = {}) => {
    db = await seeded(dialect);
    other = await openTestStateDbAgain(db, dialect);
    registry = await DeviceRegistry.load(db, options);
  };

  afterEach(async () => {
    await other.destroy();
    await db.destroy();
  });

  it('reads nothing when nothing changed, then only what another node changed', async () => {
    await open();
    expect(registry.all().map((d) => d.id)).toEqual(['D1', 'D2', 'D3']);
    expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });

    await registerDevice(other, device('D4', 'four'), actor, NOW);
    await other
      .updateTable('devices')
      .set({ name: '3号烟感', grid_id: 'G2' })
      .where('id', '=', 'D3')
      .execute();
    expect(await registry.reload()).toEqual({ full: false, applied: 2, removed: 0 });
    expect(registry.checkDevice('D4', 'four')).toEqual({ gridId: 'G1' });
    expect(registry.get('D3')).toMatchObject({ name: '3号烟感', gridId: 'G2' });

    expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });
  });

  it('sees a secret rotated and a device disabled elsewhere, and the device enabled again', async () => {
    await open();
    expect(registry.checkDevice('D1', 'D1-secret')).toBeDefined();
    await setDeviceSecretHash(
      other,
      'D1',
      { secretHash: hashDeviceSecret('new'), mosquittoHash: 'x' },
      actor,
      NOW,
    );
    await setDeviceEnabled(other, 'D2', false, actor, NOW);
    expect(await registry.reload()).toMatchObject({ applied: 2 });
    expect(registry.checkDevice('D1', 'D1-secret')).toBeUndefined();
    expect(registry.checkDevice('D1', 'new')).toEqual({ gridId: 'G1' });
    expect(registry.checkDevice('D2', 'D2-secret')).toBeUndefined();

    await setDeviceEnabled(other, 'D2', true, actor, NOW);
    expect(await registry.reload()).toMatchObject({ applied: 1 });
    expect(registry.checkDevice('D2', 'D2-secret')).toEqual({ gridId: 'G1' });
  });

  it('drops a deleted device, and keeps one registered again under its id', async () => {
    await open();
    await other.deleteFrom('devices').where('id', 'in', ['D2', 'D3']).execute();
    expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 2 });
    expect(registry.all().map((d) => d.id)).toEqual(['D1']);

    // Deleted, then registered again before this node reloads: the row wins over its tombstone.
    await other.deleteFrom('devices').where('id', '=', 'D1').execute();
    await insertDevices(other, [device('D1', 'again')], NOW);
    expect(await registry.reload()).toEqual({ full: false, applied: 1, removed: 1 });
    expect(registry.checkDevice('D1', 'again')).toEqual({ gridId: 'G1' });
  });

  it('keeps the online state held in memory where it is newer than the row', async () => {
    await open();
    registry.markOnline('D1', true, NOW + 1000);
    registry.touch('D1', NOW + 5000);
    registry.markOnline('D2', true, NOW + 1000);
    // Ingest's status writes (this node's or another's) take no revision: nothing to read.
    await setDeviceOnline(other, 'D1', true, NOW + 1000);
    await setDeviceOnline(other, 'D2', false, NOW + 2000);
    expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });
    expect(registry.get('D2')).toMatchObject({ online: true, lastSeenAt: NOW + 1000 });

    // D1 renamed elsewhere: the name is taken, its newer last-seen time here is kept.
    await other.updateTable('devices').set({ name: '1号' }).where('id', '=', 'D1').execute();
    const held = registry.get('D1');
    await registry.reload();
    expect(registry.get('D1')).toBe(held);
    expect(held).toMatchObject({ name: '1号', online: true, lastSeenAt: NOW + 5000 });

    // A full read takes D2's newer row (another node saw it go offline) and keeps D1's memory.
    expect(await registry.reload({ full: true })).toEqual({ full: true, applied: 3, removed: 0 });
    expect(registry.get('D2')).toMatchObject({ online: false, lastSeenAt: NOW + 2000 });
    expect(registry.get('D1')).toBe(held);
    expect(held).toMatchObject({ online: true, lastSeenAt: NOW + 5000 });
  });

  it('reads the whole table every fullReloadEvery reloads and when the revisions went back', async () => {
    await open({ fullReloadEvery: 3 });
    // What the triggers never saw only a full read finds.
    await deleteAroundTriggers(other, dialect, 'D1');
    expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });
    expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });
    expect(await registry.reload()).toEqual({ full: true, applied: 2, removed: 1 });
    expect(registry.get('D1')).toBeUndefined();

    // The newest revision gone (a database restored from before, say): read everything at once.
    await deleteAroundTriggers(other, dialect, 'D3');
    expect(await registry.reload()).toEqual({ full: true, applied: 1, removed: 1 });
    expect(registry.all().map((d) => d.id)).toEqual(['D2']);
  });

  it.runIf(dialect === 'postgres')(
    'never reads past a change whose transaction is still open (revisions become visible in order)',
    async () => {
      await open();
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      let renamed!: () => void;
      const wasRenamed = new Promise<void>((resolve) => (renamed = resolve));
      // One transaction changes D1 and stays open; meanwhile another node disables D2.
      const slow = db.transaction().execute(async (tx) => {
        await tx.updateTable('devices').set({ name: 'slow' }).where('id', '=', 'D1').execute();
        renamed();
        await committing;
      });
      await wasRenamed;
      const disabling = setDeviceEnabled(other, 'D2', false, actor, NOW);
      // The disable waits for the open transaction instead of taking a later number and committing
      // first, which would let this reload pass the rename's number and never see it.
      expect(await Promise.race([disabling.then(() => 'committed'), someoneWaitsForALock(db)])).toBe(
        'waiting',
      );
      expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });
      commit();
      await slow;
      await disabling;
      expect(await registry.reload()).toMatchObject({ applied: 2 });
      expect(registry.get('D1')?.name).toBe('slow');
      expect(registry.get('D2')?.enabled).toBe(false);
    },
  );
});

/** Deletes a device with the device triggers off (as a restore by hand might): no tombstone. */
async function deleteAroundTriggers(db: StateDb, dialect: StateDialect, id: string): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`drop trigger if exists devices_tombstone`.execute(db);
    await db.deleteFrom('devices').where('id', '=', id).execute();
    return;
  }
  await db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await tx.deleteFrom('devices').where('id', '=', id).execute();
  });
}

/** Resolves once some session of this PostgreSQL database waits for a lock. */
async function someoneWaitsForALock(db: StateDb): Promise<'waiting'> {
  for (;;) {
    const { waiting } = await db
      .selectNoFrom(
        sql<number>`(select count(*) from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock')`.as('waiting'),
      )
      .executeTakeFirstOrThrow();
    if (waiting > 0) return 'waiting';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
