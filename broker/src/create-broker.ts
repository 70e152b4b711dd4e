import { Aedes } from 'aedes';
import type { AedesOptions } from 'aedes';

export type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
export type AuthorizePublishHandler = NonNullable<AedesOptions['authorizePublish']>;
export type AuthorizeSubscribeHandler = NonNullable<AedesOptions['authorizeSubscribe']>;

export type Broker = Aedes;

export interface BrokerOptions {
  /** Who may connect (devices by id + secret, services by the service secret). */
  authenticate: AuthenticateHandler;
  /** Topic ACL and, for devices, the ingest hook: the callback is the QoS 1 PUBACK. */
  authorizePublish: AuthorizePublishHandler;
  authorizeSubscribe: AuthorizeSubscribeHandler;
}

/**
 * The embedded MQTT broker. It holds no business rules: who may connect and publish, and what
 * happens to a device's message, come in as hooks.
 */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const broker = await Aedes.createBroker({
    authenticate: options.authenticate,
    authorizePublish: options.authorizePublish,
    authorizeSubscribe: options.authorizeSubscribe,
    // Device ids may be up to 64 characters (device contract), longer than MQTT 3.1's 23.
    maxClientsIdLength: 64,
    drainTimeout: 30_000,
    // A socket that has not sent CONNECT by then is closed (aedes' default is 30 s).
    connectTimeout: 10_000,
  });
  return broker;
}

export function closeBroker(broker: Broker): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()));
}
