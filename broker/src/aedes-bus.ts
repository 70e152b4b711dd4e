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
  const subscribeRaw = (
    filter: string,
    handler: (topic: string, payload: Buffer) => Promise<void> | void,
  ) => {
    const deliver: Parameters<Broker['subscribe']>[1] = (packet, done) => {
      // Release the broker's delivery slot at once: a slow consumer must not stall devices.
      done();
      // Called in place, not from a fresh promise: device messages pass here, and most handlers
      // return at once.
      try {
        const pending = handler(packet.topic, packet.payload as Buffer);
        if (pending) pending.catch(onError);
      } catch (error) {
        onError(error);
      }
    };
    return new Promise<() => Promise<void>>((resolve) =>
      broker.subscribe(filter, deliver, () =>
        resolve(() => new Promise<void>((done) => broker.unsubscribe(filter, deliver, () => done()))),
      ),
    );
  };
  return {
    publish<E extends BusEventName>(event: E, payload: BusPayloads[E]) {
      return publishRaw(busTopic(event), Buffer.from(JSON.stringify(payload)));
    },
    async subscribe<E extends BusEventName>(
      event: E,
      handler: (payload: BusPayloads[E]) => Promise<void> | void,
    ) {
      await subscribeRaw(busTopic(event), (_topic, payload) =>
        handler(JSON.parse(payload.toString()) as BusPayloads[E]),
      );
    },
    subscribeTopic(filter, handler) {
      return subscribeRaw(filter, handler);
    },
    close: () => Promise.resolve(),
  };
}
