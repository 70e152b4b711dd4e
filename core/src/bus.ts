import type { NotificationView } from './api';
import type { RiskSignal } from './rules';
import type { DeviceState } from './reading';
import type { DeviceReport } from './device-report';
import type { BusEventName } from './topics';

export type DeviceAccessChange = 'registered' | 'secret_rotated' | 'disabled' | 'enabled';

/** What each bus event carries between services. */
export interface BusPayloads {
  'risk.changed': RiskSignal;
  'case.changed': { caseId: string; gridId: string; action: string; at: number };
  /**
   * A device went online or offline; or, with `report`, a connected device's reports fell overdue
   * or came back (its `state` unchanged, `at` its last report).
   */
  'device.status_changed': {
    deviceId: string;
    gridId: string;
    state: DeviceState;
    at: number;
    report?: DeviceReport;
  };
  /** A rule was created, changed, enabled or disabled: the engine reloads its rules. */
  'rules.changed': { ruleId: string; version: number; at: number };
  /** A region was created or its boundary changed: services holding regions reload them. */
  'regions.changed': { regionId: string; at: number };
  /** A device was registered, re-keyed, disabled or enabled: brokers drop revoked sessions. */
  'device.access_changed': { deviceId: string; change: DeviceAccessChange; at: number };
  /** Sessions ended (sign-out, disable, password, role or scope change): the gateway drops their sockets. */
  'user.sessions_ended': { userId: string; sessionIds: string[]; at: number };
  /** A grouped notice for one person, delivered in-app by the web gateway. */
  'case.notified': { userId: string; notice: NotificationView };
}

/**
 * The internal message bus between services: in-process on the embedded broker, or over MQTT
 * (QoS 1, persistent session) when services run apart.
 */
export interface Bus {
  publish<E extends BusEventName>(event: E, payload: BusPayloads[E]): Promise<void>;
  subscribe<E extends BusEventName>(
    event: E,
    handler: (payload: BusPayloads[E]) => Promise<void> | void,
  ): Promise<void>;
  /**
   * Raw device traffic, e.g. `gs/v1/G01/+/telemetry` for a live view of one grid. Resolves, once
   * subscribed, to the way to stop: on a broker cluster every subscription draws that traffic from
   * every node, so a live view subscribes only while someone watches.
   */
  subscribeTopic(
    filter: string,
    handler: (topic: string, payload: Uint8Array) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
