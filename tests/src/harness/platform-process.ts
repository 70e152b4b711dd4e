import { freePort } from './free-port';
import { startServiceProcess, type ServiceProcess } from './service-process';

/** kill() is SIGKILL (a crash, an OOM kill); restart() keeps the data dir, ports and settings. */
export interface PlatformProcess extends ServiceProcess {
  httpUrl: string;
  /** The embedded broker (also when it was restarted: the ports stay the same). */
  mqttUrl: string;
  /** Supervised only: the pid of the platform child the supervisor started last. */
  platformPid(): number | undefined;
}

/**
 * The platform (`platform-main.ts`) in a child process, on fixed free ports so devices can
 * reconnect to the same address after a kill. `supervised` runs GridSense's real entry point
 * instead (`main.ts`, as `npm start` runs it, minus the console build): a supervisor with the
 * platform as its child. `env` adds or overrides settings (INFLUX_URL, MQTT_URL, …).
 */
export async function startPlatformProcess(
  dataDir: string,
  env: Record<string, string> = {},
  options: { supervised?: boolean } = {},
): Promise<PlatformProcess> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const service = await startServiceProcess({
    name: options.supervised ? 'supervised platform' : 'platform',
    entry: options.supervised ? 'main.ts' : 'platform-main.ts',
    env: {
      GRIDSENSE_DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(mqttPort),
      GRIDSENSE_SIMULATOR: 'off',
      GRIDSENSE_NODE_RED: 'off',
      GRIDSENSE_DEMO_PASSWORD: 'test-password-1',
      // Tests that need the demo's 90 days of history ask for it (GRIDSENSE_DEMO_HISTORY_DAYS).
      GRIDSENSE_DEMO_HISTORY_DAYS: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    ready: { url: `http://127.0.0.1:${httpPort}/healthz` },
  });
  return {
    ...service,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    platformPid() {
      const started = [...service.output().matchAll(/"pid":(\d+)[^\n]*"msg":"platform process ready"/g)].at(
        -1,
      );
      return started ? Number(started[1]) : undefined;
    },
  };
}
