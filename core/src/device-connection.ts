import { deviceTopic } from './topics';

/** Where the running broker takes devices, as the process that started its listeners knows it. */
export interface DeviceListeners {
  /** An external broker (MQTT_URL): its address for devices is not GridSense's to know. */
  external: boolean;
  /** Plain MQTT over TCP, when that listener runs. */
  mqttPort?: number;
  /** MQTT over TLS, when TLS is on. */
  mqttsPort?: number;
  /** MQTT over WebSocket at `/mqtt`, served by the console's own web server. */
  webSocket: boolean;
  /** The name devices reach the broker at, when a setting gives one. */
  publicHost?: string;
}

/**
 * A broker address for a device. `host: null` stands for the host the console is reached at:
 * the server cannot know the name devices use. The WebSocket endpoint is on the console's own
 * origin (scheme, host and port), since the same web server serves both.
 */
export type DeviceEndpoint =
  | { transport: 'mqtt' | 'mqtts'; host: string | null; port: number }
  | { transport: 'websocket'; path: string };

/** Everything an installer puts into a device besides its secret (docs: device contract, Connection). */
export interface DeviceConnectionView {
  /** Preferred first (TLS before plain); empty with an external broker. */
  endpoints: DeviceEndpoint[];
  externalBroker: boolean;
  clientId: string;
  username: string;
  clean: false;
  qos: 1;
  topics: { telemetry: string; event: string; status: string };
  will: { topic: string; payload: string; retain: true };
}

export function describeDeviceConnection(
  listeners: DeviceListeners,
  device: { id: string; gridId: string },
): DeviceConnectionView {
  const host = listeners.publicHost ?? null;
  const endpoints: DeviceEndpoint[] = [];
  if (!listeners.external) {
    if (listeners.mqttsPort !== undefined)
      endpoints.push({ transport: 'mqtts', host, port: listeners.mqttsPort });
    if (listeners.mqttPort !== undefined)
      endpoints.push({ transport: 'mqtt', host, port: listeners.mqttPort });
    if (listeners.webSocket) endpoints.push({ transport: 'websocket', path: '/mqtt' });
  }
  const status = deviceTopic(device.gridId, device.id, 'status');
  return {
    endpoints,
    externalBroker: listeners.external,
    clientId: device.id,
    username: device.id,
    clean: false,
    qos: 1,
    topics: {
      telemetry: deviceTopic(device.gridId, device.id, 'telemetry'),
      event: deviceTopic(device.gridId, device.id, 'event'),
      status,
    },
    will: { topic: status, payload: JSON.stringify({ state: 'offline' }), retain: true },
  };
}
