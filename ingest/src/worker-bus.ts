import { busTopic, type Bus, type BusEventName, type BusPayloads } from '@gridsense/core';
import type { MessagePort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './worker-protocol';

type Handler = (topic: string, payload: Uint8Array) => Promise<void> | void;

export interface PortBus extends Bus {
  /** A bus message the main thread forwarded for subscription `sub`. */
  deliver(message: Extract<ToWorker, { type: 'bus' }>): void;
}

/**
 * The bus as ingest sees it inside a worker thread: publishes go to the main thread, which puts
 * them on the platform's bus in the order they were posted (a risk signal before the
 * acknowledgements of the readings that raised it); subscriptions are made there and forwarded.
 */
export function createPortBus(port: MessagePort, onError: (error: unknown) => void): PortBus {
  const handlers = new Map<number, Handler>();
  const post = (message: FromWorker) => port.postMessage(message);
  let lastSub = 0;
  const subscribeRaw = (filter: string, handler: Handler) => {
    const sub = ++lastSub;
    handlers.set(sub, handler);
    post({ type: 'subscribe', sub, filter });
    return Promise.resolve(() => {
      if (handlers.delete(sub)) post({ type: 'unsubscribe', sub });
      return Promise.resolve();
    });
  };
  return {
    publish<E extends BusEventName>(event: E, payload: BusPayloads[E]) {
      post({ type: 'publish', event, payload });
      return Promise.resolve();
    },
    async subscribe<E extends BusEventName>(
      event: E,
      handler: (payload: BusPayloads[E]) => Promise<void> | void,
    ) {
      await subscribeRaw(busTopic(event), (_topic, payload) =>
        handler(JSON.parse(Buffer.from(payload).toString()) as BusPayloads[E]),
      );
    },
    subscribeTopic(filter, handler) {
      return subscribeRaw(filter, handler);
    },
    deliver({ sub, topic, payload }) {
      try {
        const pending = handlers.get(sub)?.(topic, payload);
        if (pending) pending.catch(onError);
      } catch (error) {
        onError(error);
      }
    },
    close: () => Promise.resolve(),
  };
}
