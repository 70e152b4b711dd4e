import type { DeviceView } from '@gridsense/core';
import type { DeviceCredential } from '@gridsense/state';
import mqtt from 'mqtt';
import { TestAuthenticator } from '../harness/authenticator';
import type { TestPlatform } from '../harness/test-platform';

/** Settings that let one fuzzing address open thousands of connections a second. */
export const FUZZ_PLATFORM_ENV: Record<string, string> = {
  GRIDSENSE_MAX_CONNECTIONS_PER_ADDRESS: '5000',
  GRIDSENSE_CONNECTIONS_PER_SECOND: '100000',
};

/** How many devices the MQTT fuzzer connects as (one per concurrent connection). */
export const MQTT_FUZZ_DEVICES = 40;

/** A running platform as the fuzzers see it: its ports, identities and a liveness check. */
export interface FuzzTarget {
  baseUrl: string;
  httpPort: number;
  mqttPort: number;
  /** Session cookie values of an administrator and a grid worker (worker01, grid G01). */
  sessions: { admin: string; worker: string };
  /** Devices the MQTT fuzzer connects as; other fuzzers leave their secrets and state alone. */
  mqttDevices: DeviceCredential[];
  /** Devices the REST fuzzer may rotate, disable or rename. */
  otherDevices: DeviceCredential[];
  /** Throws unless /healthz answers and a device's reading is acknowledged and then stored. */
  assertAlive(): Promise<void>;
}

/**
 * Signs in and returns the session cookie's value as the server set it; an administrator
 * enrols in two-factor sign-in at this first sign-in.
 */
async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const cookie = await new TestAuthenticator().signIn(baseUrl, username, password);
  return cookie.slice('gs_session='.length);
}

/** Request headers that carry a session (the cookie a browser would send). */
export const sessionHeaders = (session: string): Record<string, string> => ({
  cookie: `gs_session=${session}`,
});

/** The target for a platform on `baseUrl` and `mqttPort` whose demo district uses `password`. */
export async function fuzzTarget(options: {
  baseUrl: string;
  mqttPort: number;
  devices: DeviceCredential[];
  password: string;
}): Promise<FuzzTarget> {
  const { baseUrl, mqttPort } = options;
  const [admin, worker] = [
    await signIn(baseUrl, 'admin', options.password),
    await signIn(baseUrl, 'worker01', options.password),
  ];
  const probe = options.devices.find((d) => d.type === 'smoke_detector');
  if (!probe) throw new Error('the demo district has no smoke detector');
  const rest = options.devices.filter((d) => d !== probe);
  const mqttDevices = rest.slice(0, MQTT_FUZZ_DEVICES);
  let seq = Date.now();

  return {
    baseUrl,
    httpPort: Number(new URL(baseUrl).port),
    mqttPort,
    sessions: { admin, worker },
    mqttDevices,
    otherDevices: rest.slice(MQTT_FUZZ_DEVICES),
    async assertAlive() {
      const health = await fetch(`${baseUrl}/healthz`);
      if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
      const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        clientId: probe.id,
        username: probe.id,
        password: probe.secret,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      });
      const ts = Date.now();
      try {
        // Resolves on PUBACK, which the broker sends once the reading is durable.
        await device.publishAsync(
          `gs/v1/${probe.gridId}/${probe.id}/telemetry`,
          JSON.stringify({ ts, seq: (seq += 1), metrics: { smoke: 0.1, temperature: 21, battery: 88 } }),
          { qos: 1 },
        );
      } finally {
        await device.endAsync();
      }
      const view = await fetch(`${baseUrl}/api/devices/${probe.id}`, { headers: sessionHeaders(admin) });
      const latest = ((await view.json()) as DeviceView).latest?.smoke;
      if (view.status !== 200 || latest?.ts !== ts)
        throw new Error(`the acknowledged reading is not stored (GET device: ${view.status})`);
    },
  };
}

/** The target for a platform started in this process by the test harness. */
export function testPlatformTarget(env: TestPlatform, password: string): Promise<FuzzTarget> {
  return fuzzTarget({
    baseUrl: env.baseUrl,
    mqttPort: env.platform.mqttPort!,
    devices: env.devices,
    password,
  });
}
