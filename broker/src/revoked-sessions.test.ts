import { DEFAULT_NETWORK_LIMITS } from '@gridsense/core';
import mqtt, { type MqttClient } from 'mqtt';
import type { Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAedesBus } from './aedes-bus';
import { closeBroker, createBroker, type Broker } from './create-broker';
import { createDeviceAccess } from './device-access';
import { listenMqtt } from './listeners';
import { closeRevokedSessions } from './revoked-sessions';

/** A real aedes on a free port, two devices, and the registry a broker apart would hold. */
describe('closeRevokedSessions', () => {
  let broker: Broker;
  let server: Server;
  let url: string;
  let secrets: Map<string, string>;
  const clients: MqttClient[] = [];
  const refreshed: string[] = [];

  /** What the broker sees until it refreshes: the web service changed the database meanwhile. */
  let pending: Map<string, string> | undefined;

  beforeEach(async () => {
    secrets = new Map([
      ['DEV-1', 'secret-1'],
      ['DEV-2', 'secret-2'],
    ]);
    broker = await createBroker(
      createDeviceAccess({
        devices: {
          checkDevice: (id, secret) => (secrets.get(id) === secret ? { gridId: 'G01' } : undefined),
        },
        onDevicePublish: () => Promise.resolve({ outcome: 'accepted' }),
      }),
    );
    await closeRevokedSessions(
      broker,
      createAedesBus(broker, (error) => {
        throw error;
      }),
      {
        refresh: () => {
          if (pending) secrets = pending;
          refreshed.push('refresh');
          return Promise.resolve();
        },
      },
    );
    ({ server } = await listenMqtt(broker, 0, '127.0.0.1', DEFAULT_NETWORK_LIMITS));
    const address = server.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await new Promise<void>((done) => server.close(() => done()));
    await closeBroker(broker);
    pending = undefined;
    refreshed.length = 0;
  });

  const connect = async (id: string, secret: string) => {
    const client = await mqtt.connectAsync(url, {
      clientId: id,
      username: id,
      password: secret,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  };
  const announce = (deviceId: string, change: 'secret_rotated' | 'disabled' | 'enabled' | 'registered') =>
    createAedesBus(broker, () => undefined).publish('device.access_changed', { deviceId, change, at: 0 });

  it('ends the session of a device whose secret was rotated, and refuses the old secret after', async () => {
    const rotated = await connect('DEV-1', 'secret-1');
    const other = await connect('DEV-2', 'secret-2');
    pending = new Map([...secrets, ['DEV-1', 'secret-1b']]);

    await announce('DEV-1', 'secret_rotated');

    await expect.poll(() => rotated.connected).toBe(false);
    expect(refreshed).toEqual(['refresh']);
    expect(other.connected).toBe(true);
    await expect(connect('DEV-1', 'secret-1')).rejects.toThrow(/Bad username or password/i);
    expect((await connect('DEV-1', 'secret-1b')).connected).toBe(true);
  });

  it('ends a disabled device’s session but leaves sessions alone on enable and register', async () => {
    const first = await connect('DEV-1', 'secret-1');
    await announce('DEV-1', 'enabled');
    await announce('DEV-1', 'registered');
    await expect.poll(() => refreshed.length).toBe(2);
    expect(first.connected).toBe(true);

    pending = new Map([['DEV-2', 'secret-2']]);
    await announce('DEV-1', 'disabled');
    await expect.poll(() => first.connected).toBe(false);
    await expect(connect('DEV-1', 'secret-1')).rejects.toThrow(/Bad username or password/i);
  });
});
