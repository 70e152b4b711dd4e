import type { StateDb } from './database';
import { verifyDeviceSecret } from './credentials';
import { listDevices, type DeviceRecord } from './device.repository';

/**
 * Devices held in memory for the hot paths (every CONNECT and every message looks a device up);
 * the database stays the source of truth and `reload()` picks up registrations.
 */
export class DeviceRegistry {
  private devices = new Map<string, DeviceRecord>();

  private constructor(private readonly db: StateDb) {}

  static async load(db: StateDb): Promise<DeviceRegistry> {
    const registry = new DeviceRegistry(db);
    await registry.reload();
    return registry;
  }

  async reload(): Promise<void> {
    this.devices = new Map((await listDevices(this.db)).map((d) => [d.id, d]));
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
  // CONNECT sees them without a reload (a reload would also drop in-memory last-seen times).
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
