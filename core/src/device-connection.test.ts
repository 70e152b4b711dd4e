import { describe, expect, it } from 'vitest';
import { describeDeviceConnection } from './device-connection';

const device = { id: 'SMOKE-7', gridId: 'G03' };

describe('describeDeviceConnection', () => {
  it('gives the contract: client id and username are the device id, clean false, QoS 1, its topics and last will', () => {
    expect(describeDeviceConnection({ external: false, mqttPort: 1883, webSocket: true }, device)).toEqual({
      endpoints: [
        { transport: 'mqtt', host: null, port: 1883 },
        { transport: 'websocket', path: '/mqtt' },
      ],
      externalBroker: false,
      clientId: 'SMOKE-7',
      username: 'SMOKE-7',
      clean: false,
      qos: 1,
      topics: {
        telemetry: 'gs/v1/G03/SMOKE-7/telemetry',
        event: 'gs/v1/G03/SMOKE-7/event',
        status: 'gs/v1/G03/SMOKE-7/status',
      },
      will: { topic: 'gs/v1/G03/SMOKE-7/status', payload: '{"state":"offline"}', retain: true },
    });
  });

  it.each([
    [
      'TLS on, plain MQTT kept: MQTTS first',
      { external: false, mqttPort: 1883, mqttsPort: 8883, webSocket: true },
      [
        { transport: 'mqtts', host: null, port: 8883 },
        { transport: 'mqtt', host: null, port: 1883 },
        { transport: 'websocket', path: '/mqtt' },
      ],
    ],
    [
      'TLS on, plain MQTT off, a public host named',
      { external: false, mqttsPort: 8884, webSocket: true, publicHost: 'mqtt.grid.example' },
      [
        { transport: 'mqtts', host: 'mqtt.grid.example', port: 8884 },
        { transport: 'websocket', path: '/mqtt' },
      ],
    ],
    ['an external broker: none known', { external: true, webSocket: false }, []],
  ] as const)('lists the listeners that run: %s', (_case, listeners, endpoints) => {
    const connection = describeDeviceConnection(listeners, device);
    expect(connection.endpoints).toEqual(endpoints);
    expect(connection.externalBroker).toBe(listeners.external);
  });
});
