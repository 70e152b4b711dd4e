import { isValidId } from './ids';

/** Device-facing topics live under this prefix; nothing GridSense publishes does. */
export const DEVICE_TOPIC_PREFIX = 'gs/v1';

export type DeviceTopicKind = 'telemetry' | 'event' | 'status';
const DEVICE_TOPIC_KINDS: readonly DeviceTopicKind[] = ['telemetry', 'event', 'status'];

export interface DeviceTopic {
  gridId: string;
  deviceId: string;
  kind: DeviceTopicKind;
}

export function deviceTopic(gridId: string, deviceId: string, kind: DeviceTopicKind): string {
  return `${DEVICE_TOPIC_PREFIX}/${gridId}/${deviceId}/${kind}`;
}

export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== DEVICE_TOPIC_PREFIX) return undefined;
  const [, , gridId, deviceId, kind] = parts as [string, string, string, string, string];
  if (!isValidId(gridId) || !isValidId(deviceId)) return undefined;
  if (!(DEVICE_TOPIC_KINDS as readonly string[]).includes(kind)) return undefined;
  return { gridId, deviceId, kind: kind as DeviceTopicKind };
}

/** The prefix a device may publish and subscribe under. */
export function devicePrefix(gridId: string, deviceId: string): string {
  return `${DEVICE_TOPIC_PREFIX}/${gridId}/${deviceId}/`;
}

/**
 * Internal topics between GridSense services (outside `gs/v1`, never writable by devices).
 * Bus events are dotted past-tense facts; the topic is derived from the event name.
 */
export const BUS_TOPIC_PREFIX = 'gridsense';
export type BusEventName =
  | 'risk.changed'
  | 'case.changed'
  | 'device.status_changed'
  | 'rules.changed'
  | 'regions.changed'
  | 'device.access_changed'
  | 'user.sessions_ended'
  | 'case.notified';

export function busTopic(event: BusEventName): string {
  return `${BUS_TOPIC_PREFIX}/${event.replace(/\./g, '/')}`;
}
