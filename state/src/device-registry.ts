import type { StateDb } from './database';
import { verifyDeviceSecret } from './credentials';
import { currentDeviceRevision, listDevicesChanged, listDevicesDeleted } from './device-changes.repository';
import { listDevices, type DeviceRecord } from './device.repository';

/** What one reload did: a full read or only the changes, rows merged in, devices dropped. */
export interface RegistryReload {
  full: boolean;
  applied: number;
  removed: number;
}

export interface DeviceRegistryOptions {
  /**
   * Every this many reloads one reads the whole table (default 60: 10 min at the broker's 10 s).
   * The changes carry everything the triggers number; the full read also brings other nodes'
   * online and last-seen writes, which take no revision, and repairs anything written around
   * the triggers (a renamed id, rows restored by hand).
   */
  fullReloadEvery?: number;
}

/**
 * Devices held in memory for the hot paths (every CONNECT and every message looks a device up);
 * the database stays the source of truth. `reload()` reads only the rows whose revision
 * (0019_device_revision) is newer than the last one it read, and the deleted ids, and merges
 * them in place: an unchanged registry costs two indexed reads of the newest revision. The
 * revisions come from the database and become visible in order, so no overlap is read again
 * (the migration says why a clock would not do).
 */
export class DeviceRegistry {
  private devices = new Map<string, DeviceRecord>();
  /** The newest revision merged in; changes above it are still to read. */
  private revision = 0;
  private reloadsSinceFull = 0;
  private readonly fullReloadEvery: number;
  // One reload at a time: each starts after the one before ended, so a later one never merges
  // rows older than those already merged, and a caller's reload starts after its call.
  private reloading: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: StateDb,
    options: DeviceRegistryOptions,
  ) {
    this.fullReloadEvery = options.fullReloadEvery ?? 60;
  }

  static async load(db: StateDb, options: DeviceRegistryOptions = {}): Promise<DeviceRegistry> {
    const registry = new DeviceRegistry(db, options);
    await registry.reload({ full: true });
    return registry;
  }

  /** Brings the registry up to date with the database; `full` reads the whole table. */
  reload(options: { full?: boolean } = {}): Promise<RegistryReload> {
    const run = this.reloading.then(() => this.reloadNow(options.full ?? false));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(full: boolean): Promise<RegistryReload> {
    const ceiling = await currentDeviceRevision(this.db);
    // Below the last one read: the database was replaced or restored, and its numbers with it.
    if (full || ceiling < this.revision || ++this.reloadsSinceFull >= this.fullReloadEvery) {
      this.reloadsSinceFull = 0;
      return this.reloadAll(ceiling);
    }
    if (ceiling === this.revision) return { full: false, applied: 0, removed: 0 };
    const [changed, deleted] = await Promise.all([
      listDevicesChanged(this.db, this.revision, ceiling),
      listDevicesDeleted(this.db, this.revision, ceiling),
    ]);
    // A row still in `devices` was written after any deletion of its id: deletions go first.
    let removed = 0;
    for (const id of deleted) if (this.devices.delete(id)) removed++;
    for (const device of changed) this.devices.set(device.id, this.merged(device));
    this.revision = ceiling;
    return { full: false, applied: changed.length, removed };
  }

  /** The whole table, in id order, each record held before kept (and updated) in place. */
  private async reloadAll(ceiling: number): Promise<RegistryReload> {
    const rows = await listDevices(this.db);
    const next = new Map(rows.map((row) => [row.id, this.merged(row)]));
    let removed = 0;
    for (const id of this.devices.keys()) if (!next.has(id)) removed++;
    this.devices = next;
    this.revision = ceiling;
    return { full: true, applied: rows.length, removed };
  }

  /**
   * The held record updated with the row's registry fields (or the row, for a device new here);
   * online and last seen only when the row's are newer: ingest updates them in memory on every
   * message (`touch`, `markOnline`) and writes only status changes, so the memory of the node
   * that handles a device is usually ahead of its row.
   */
  private merged(row: DeviceRecord): DeviceRecord {
    const held = this.devices.get(row.id);
    if (!held) return row;
    const heldIsNewer =
      held.lastSeenAt !== null && (row.lastSeenAt === null || held.lastSeenAt >= row.lastSeenAt);
    return Object.assign(held, row, heldIsNewer ? { online: held.online, lastSeenAt: held.lastSeenAt } : {});
  }

  get(deviceId: string): DeviceRecord | undefined {
    return this.devices.get(deviceId);
  }

  all(): DeviceRecord[] {
    return [...this.devices.values()];
  }

  checkDevice(deviceId: string, secret: string): { gridId: string } | undefined {
    const device = this.devices.get(deviceId);
    return device?.enabled && verifyDeviceSecret(secret, device.secretHash)
      ? { gridId: device.gridId }
      : undefined;
  }

  // Changes from the registry API land here in place, after the database write, so the next
  // CONNECT sees them without waiting for a reload (which merges the same row in later).
  add(device: DeviceRecord): void {
    this.devices.set(device.id, device);
  }

  setSecretHash(deviceId: string, secretHash: string): void {
    const device = this.devices.get(deviceId);
    if (device) device.secretHash = secretHash;
  }

  setEnabled(deviceId: string, enabled: boolean): void {
    const device = this.devices.get(deviceId);
    if (device) device.enabled = enabled;
  }

  /** Updates the cached online flag; returns whether it changed. */
  markOnline(deviceId: string, online: boolean, at: number): boolean {
    const device = this.devices.get(deviceId);
    if (!device) return false;
    const changed = device.online !== online;
    device.online = online;
    device.lastSeenAt = at;
    return changed;
  }

  touch(deviceId: string, at: number): void {
    const device = this.devices.get(deviceId);
    if (device) device.lastSeenAt = at;
  }
}
