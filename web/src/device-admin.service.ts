import {
  apiText,
  AppError,
  authorize,
  describeDeviceConnection,
  isValidId,
  polygonCentroid,
  STANDARD_DEVICE_TYPE_NAMES,
  withDeviceReport,
  type DeviceAccessChange,
  type DeviceRegistryView,
  type IssuedSecretView,
  type Problem,
  type User,
} from '@gridsense/core';
import {
  countRejectsByDevice,
  generateSecret,
  hashIssuedDeviceSecret,
  registerDevice,
  setDeviceEnabled,
  setDeviceSecretHash,
  type DeviceRecord,
  type NewDevice,
} from '@gridsense/state';
import type { WebDeps } from './web-deps';

export interface DeviceFilter {
  gridId?: string;
  type?: string;
  online?: boolean;
}

function viewOf(device: DeviceRecord, rejects: number, now: number): DeviceRegistryView {
  const { secretHash: _hash, ...rest } = device;
  return { ...withDeviceReport(rest, now), rejects };
}

/**
 * The device registry for engineers and admins: list, register, rotate a secret, disable.
 * Each change is written with its audit entry, then applied to the in-memory registry the
 * broker authenticates against, so it holds from the next CONNECT on; a `device.access_changed`
 * event then tells brokers to refresh and to end the session a rotation or disable revoked.
 */
export function createDeviceAdminService(deps: WebDeps) {
  const actorOf = async (user: User) => {
    authorize(user, 'device.manage');
    return { actor: { id: user.id, name: user.displayName }, grids: await deps.cases.visibleGrids(user) };
  };

  const requireDevice = (id: string, grids: readonly string[]): DeviceRecord => {
    const device = deps.registry.get(id);
    if (!device || !grids.includes(device.gridId))
      throw new AppError('not_found', apiText('notFound.device', { id }));
    return device;
  };

  const announce = (deviceId: string, change: DeviceAccessChange) =>
    deps.bus.publish('device.access_changed', { deviceId, change, at: deps.now() });

  const connectionOf = (device: DeviceRecord) => describeDeviceConnection(deps.deviceListeners(), device);

  const viewWithRejects = async (device: DeviceRecord) =>
    viewOf(device, (await countRejectsByDevice(deps.db)).get(device.id) ?? 0, deps.now());

  /** Every problem at once, in the field order of the form. */
  const checkNewDevice = (input: unknown, grids: readonly string[]): Omit<NewDevice, 'secretHash'> => {
    const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const errors: Problem[] = [];
    const id = typeof body.id === 'string' ? body.id.trim() : '';
    if (!isValidId(id))
      errors.push(apiText('field.charsRange', { field: 'id', min: 1, max: 64, chars: 'A-Z a-z 0-9 _ -' }));
    else if (deps.registry.get(id)) errors.push(apiText('device.idRegistered', { id }));
    // The broker refuses devices under its services' client ids (broker/src/device-access.ts).
    else if (id.startsWith('gridsense-')) errors.push(apiText('device.idReserved'));
    if (!STANDARD_DEVICE_TYPE_NAMES.includes(body.type as never))
      errors.push(apiText('field.oneOf', { field: 'type', values: STANDARD_DEVICE_TYPE_NAMES.join(', ') }));
    const grid = deps.cases
      .regions()
      .find((r) => r.id === body.gridId && r.level === 'grid' && grids.includes(r.id));
    if (!grid) errors.push(apiText('field.gridInRegion', { field: 'gridId' }));
    if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length > 100))
      errors.push(apiText('field.textAtMost', { field: 'name', max: 100 }));
    const hasLocation = body.lat !== undefined || body.lng !== undefined;
    const lat = Number(body.lat);
    const lng = Number(body.lng);
    if (hasLocation && !(Number.isFinite(lat) && Math.abs(lat) <= 90))
      errors.push(apiText('field.latitude', { field: 'lat' }));
    if (hasLocation && !(Number.isFinite(lng) && Math.abs(lng) <= 180))
      errors.push(apiText('field.longitude', { field: 'lng' }));
    if (!hasLocation && grid && !grid.boundary) errors.push(apiText('device.placeNeedsPosition'));
    if (errors.length > 0 || !grid)
      throw new AppError('validation_failed', apiText('invalid.device'), errors);
    // Without a location the device sits at its grid's centre until someone places it.
    const at = hasLocation ? { lat, lng } : polygonCentroid(grid.boundary!);
    const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : id;
    return { id, gridId: grid.id, type: body.type as string, name, lat: at.lat, lng: at.lng };
  };

  return {
    async list(user: User, filter: DeviceFilter): Promise<DeviceRegistryView[]> {
      const { grids } = await actorOf(user);
      const rejects = await countRejectsByDevice(deps.db);
      return deps.registry
        .all()
        .filter(
          (d) =>
            grids.includes(d.gridId) &&
            (filter.gridId === undefined || d.gridId === filter.gridId) &&
            (filter.type === undefined || d.type === filter.type) &&
            (filter.online === undefined || d.online === filter.online),
        )
        .map((d) => viewOf(d, rejects.get(d.id) ?? 0, deps.now()));
    },

    async register(user: User, input: unknown): Promise<IssuedSecretView> {
      const { actor, grids } = await actorOf(user);
      const secret = generateSecret();
      const device = { ...checkNewDevice(input, grids), ...hashIssuedDeviceSecret(secret) };
      await registerDevice(deps.db, device, actor, deps.now());
      const record: DeviceRecord = { ...device, online: false, lastSeenAt: null, enabled: true };
      deps.registry.add(record);
      await announce(device.id, 'registered');
      return { device: viewOf(record, 0, deps.now()), secret, connection: connectionOf(record) };
    },

    /** A new secret; the old one is refused from now on and its open session is ended. */
    async rotateSecret(user: User, id: string): Promise<IssuedSecretView> {
      const { actor, grids } = await actorOf(user);
      const device = requireDevice(id, grids);
      const secret = generateSecret();
      const hashes = hashIssuedDeviceSecret(secret);
      await setDeviceSecretHash(deps.db, id, hashes, actor, deps.now());
      deps.registry.setSecretHash(id, hashes.secretHash);
      await announce(id, 'secret_rotated');
      return { device: await viewWithRejects(device), secret, connection: connectionOf(device) };
    },

    async setEnabled(user: User, id: string, enabled: boolean): Promise<DeviceRegistryView> {
      const { actor, grids } = await actorOf(user);
      const device = requireDevice(id, grids);
      await setDeviceEnabled(deps.db, id, enabled, actor, deps.now());
      deps.registry.setEnabled(id, enabled);
      await announce(id, enabled ? 'enabled' : 'disabled');
      return viewWithRejects(device);
    },
  };
}
