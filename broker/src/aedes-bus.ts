import { busTopic, type Bus, type BusEventName, type BusPayloads } from '@gridsense/core';
import type { Broker } from './create-broker';

/** The bus inside one process: publishes straight into the embedded broker, no network hop. */
export function createAedesBus(broker: Broker, onError: (error: unknown) => void): Bus {
  const publishRaw = (topic: string, payload: Buffer) =>
    new Promise<void>((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  const subscribeRaw = (filter: string, handler: (topic: string, payload: Buffer) => Promise<void> | void) =>
    new Promise<void>((resolve) =>
      broker.subscribe(
        filter,
        (packet, done) => {
          // Release the broker's delivery slot at once: a slow consumer must not stall devices.
          done();
          // Called in place, not from a fresh promise: every device message passes here, and most
          // handlers return at once (nobody watches that grid).
          try {
            const pending = handler(packet.topic, packet.payload as Buffer);
            if (pending) pending.catch(onError);
          } catch (error) {
            onError(error);
          }
        },
        () => resolve(),
      ),
    );
  return {
    publish<E extends BusEventName>(event: E, payload: BusPayloads[E]) {
      return publishRaw(busTopic(event), Buffer.from(JSON.stringify(payload)));
    },
    subscribe<E extends BusEventName>(event: E, handler: (payload: BusPayloads[E]) => Promise<void> | void) {
      return subscribeRaw(busTopic(event), (_topic, payload) =>
        handler(JSON.parse(payload.toString()) as BusPayloads[E]),
      );
    },
    subscribeTopic(filter, handler) {
      return subscribeRaw(filter, handler);
    },
    close: () => Promise.resolve(),
  };
}
