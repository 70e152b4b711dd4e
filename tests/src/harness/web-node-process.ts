import { freePort } from './free-port';
import { startServiceProcess, type ServiceProcess } from './service-process';

export interface WebNodeProcess extends ServiceProcess {
  httpUrl: string;
}

/**
 * One more web node: the web service alone (`web/src/main.ts`, as `npm start -w web` runs it) in
 * a child process on a free port, on an existing data dir and the broker at `env.MQTT_URL`.
 */
export async function startWebNodeProcess(
  dataDir: string,
  env: Record<string, string>,
): Promise<WebNodeProcess> {
  const httpPort = await freePort();
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const service = await startServiceProcess({
    name: 'web node',
    entry: 'web/src/main.ts',
    env: {
      GRIDSENSE_DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRIDSENSE_NODE_RED: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
    ready: { url: `${httpUrl}/healthz` },
  });
  return { ...service, httpUrl };
}
