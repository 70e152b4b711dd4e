import { Migrator, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { hashDeviceSecret } from './credentials';
import { setDeviceEnabled } from './device-admin.repository';
import { insertDevices } from './device.repository';
import { DeviceRegistry } from './device-registry';
import { migrateToLatest, migrationProvider } from './migrations';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

describe.each(stateDialects())('0019_device_revision on %s', (dialect) => {
  it('numbers the devices from before 0, and counts changes made after it', async () => {
    const db = await openTestStateDb(dialect);
    try {
      const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider });
      // Back to just before 0019, however many migrations came after it.
      const { error } = await migrator.migrateTo('0018_notification_read');
      expect(error).toBeUndefined();
      await db
        .insertInto('regions')
        .values({ id: 'G1', level: 'grid', parent_id: null, name: '第1网格', boundary: null })
        .execute();
      const devices = ['D1', 'D2'].map((id) => ({
        id,
        gridId: 'G1',
        type: 'smoke_detector',
        name: id,
        lat: 30,
        lng: 120,
        secretHash: hashDeviceSecret(id),
      }));
      await insertDevices(db, devices, 1000);

      await migrateToLatest(db as Kysely<unknown>);
      const rows = await db.selectFrom('devices').select(['id', 'revision']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'D1', revision: 0 },
        { id: 'D2', revision: 0 },
      ]);
      const registry = await DeviceRegistry.load(db);
      expect(registry.all().map((d) => d.id)).toEqual(['D1', 'D2']);
      expect(await registry.reload()).toEqual({ full: false, applied: 0, removed: 0 });
      await setDeviceEnabled(db, 'D2', false, { id: 'eng1', name: 'eng' }, 2000);
      expect(await registry.reload()).toEqual({ full: false, applied: 1, removed: 0 });
      expect(registry.get('D2')?.enabled).toBe(false);
    } finally {
      await db.destroy();
    }
  });
});
