import type { Bus, BusEventName, BusPayloads } from '@gridsense/core';

/**
 * Facts drawn from the readings of the devices connected to one node. The rule engine and the
 * alerts beside that node's ingest act on them there, once: were every node's rule engine to
 * record a device's status, or every node's alerts to take a risk, a cluster of N nodes would open
 * N cases. Web nodes still see them from every node (`cluster` below), to show them.
 */
const NODE_SCOPED: ReadonlySet<BusEventName> = new Set<BusEventName>([
  'risk.changed',
  'device.status_changed',
]);

type Handler = (payload: never) => Promise<void> | void;

export interface ClusterBuses {
  /** For ingest (with its rule engine) and alerts: node-scoped events from this node only. */
  node: Bus;
  /** For web nodes and the broker's revocations: every event from every node. */
  cluster: Bus;
}

/**
 * Two views of one node's bus on a broker cluster, whose emitter carries every publish to every
 * node. Both publish alike: a node-scoped event goes to this node's own `node` subscribers (in
 * this process, no Redis hop) and to every node's `cluster` subscribers; other events go to every
 * node. They differ in what a subscriber hears: see ClusterBuses.
 */
export function splitClusterBus(bus: Bus, onError: (error: unknown) => void): ClusterBuses {
  const local = new Map<BusEventName, Set<Handler>>();

  const deliverHere = (event: BusEventName, payload: unknown) => {
    const handlers = local.get(event);
    if (!handlers) return;
    // As off the broker: a copy per publish, handled after the publisher's own turn.
    const json = JSON.stringify(payload);
    setImmediate(() => {
      for (const handler of handlers) {
        try {
          const pending = handler(JSON.parse(json) as never);
          if (pending) pending.catch(onError);
        } catch (error) {
          onError(error);
        }
      }
    });
  };

  const publish = <E extends BusEventName>(event: E, payload: BusPayloads[E]): Promise<void> => {
    if (NODE_SCOPED.has(event)) deliverHere(event, payload);
    return bus.publish(event, payload);
  };

  const node: Bus = {
    publish,
    subscribe(event, handler) {
      if (!NODE_SCOPED.has(event)) return bus.subscribe(event, handler);
      let handlers = local.get(event);
      if (!handlers) local.set(event, (handlers = new Set()));
      handlers.add(handler as Handler);
      return Promise.resolve();
    },
    subscribeTopic: (filter, handler) => bus.subscribeTopic(filter, handler),
    close: () => bus.close(),
  };
  const cluster: Bus = {
    publish,
    subscribe: (event, handler) => bus.subscribe(event, handler),
    subscribeTopic: (filter, handler) => bus.subscribeTopic(filter, handler),
    close: () => bus.close(),
  };
  return { node, cluster };
}
