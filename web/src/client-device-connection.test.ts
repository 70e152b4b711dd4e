import { describe, expect, it } from 'vitest';
import { endpointUrl } from '../client/src/lib/device-connection';

const consoleOrigin = { protocol: 'https:', hostname: 'grid.example', host: 'grid.example:8443' };

describe('endpointUrl', () => {
  it("puts the console's host name into a TCP endpoint unless the server names a public host", () => {
    expect(endpointUrl({ transport: 'mqtt', host: null, port: 1883 }, consoleOrigin)).toBe(
      'mqtt://grid.example:1883',
    );
    expect(endpointUrl({ transport: 'mqtts', host: 'mqtt.grid.example', port: 8883 }, consoleOrigin)).toBe(
      'mqtts://mqtt.grid.example:8883',
    );
  });

  it("follows the console's origin for MQTT over WebSocket: wss behind HTTPS, ws otherwise", () => {
    const websocket = { transport: 'websocket', path: '/mqtt' } as const;
    expect(endpointUrl(websocket, consoleOrigin)).toBe('wss://grid.example:8443/mqtt');
    expect(endpointUrl(websocket, { protocol: 'http:', hostname: '10.0.0.5', host: '10.0.0.5:8080' })).toBe(
      'ws://10.0.0.5:8080/mqtt',
    );
  });
});
