import type { DeviceEndpoint } from '@gridsense/core';

/** The part of `window.location` an endpoint is completed from. */
export interface ConsoleOrigin {
  protocol: string;
  hostname: string;
  host: string;
}

/**
 * A broker endpoint as a URL a device or MQTT client takes. Without a configured public host the
 * console's host name stands in: the server cannot know the name devices use, the browser can.
 * MQTT over WebSocket is served by the console's own server, so it follows the console's origin.
 */
export function endpointUrl(endpoint: DeviceEndpoint, origin: ConsoleOrigin): string {
  if (endpoint.transport === 'websocket')
    return `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}${endpoint.path}`;
  return `${endpoint.transport}://${endpoint.host ?? origin.hostname}:${endpoint.port}`;
}
