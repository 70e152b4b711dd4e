import type { Bus, DeviceAccessChange } from '@gridsense/core';
import type { Client } from 'aedes';
import type { Broker } from './create-broker';

/** Changes after which a device's open session no longer holds a valid credential. */
const REVOKING: readonly DeviceAccessChange[] = ['secret_rotated', 'disabled'];

/**
 * Ends a device's open MQTT session when its secret is rotated or it is disabled: the broker
 * checks credentials only at CONNECT, so without this a leaked secret keeps publishing until the
 * connection drops. `refresh` first brings a registry held apart from the web service up to
 * date, so the reconnect that follows is judged on the new state. On a broker cluster the bus
 * runs on the cluster's emitter: every node hears the change and ends the session it holds.
 */
export async function closeRevokedSessions(
  broker: Broker,
  bus: Bus,
  options: {
    refresh?: () => Promise<unknown>;
    onClosed?: (deviceId: string, change: DeviceAccessChange) => void;
  },
): Promise<void> {
  // Connected clients by id, from the broker's own events (a takeover replaces the entry).
  const connected = new Map<string, Client>();
  // 'client' fires when the session is registered, before the CONNACK ('clientReady' comes later).
  broker.on('client', (client) => connected.set(client.id, client));
  broker.on('clientDisconnect', (client) => {
    if (connected.get(client.id) === client) connected.delete(client.id);
  });
  await bus.subscribe('device.access_changed', async ({ deviceId, change }) => {
    // The revoked session ends even when the registry reload fails (the error still reaches the
    // bus's handler); until a reload succeeds the device may connect again with the old registry.
    try {
      await options.refresh?.();
    } finally {
      const client = REVOKING.includes(change) ? connected.get(deviceId) : undefined;
      if (client && !client.closed) {
        client.close();
        options.onClosed?.(deviceId, change);
      }
    }
  });
}
