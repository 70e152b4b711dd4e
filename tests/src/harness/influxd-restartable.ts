import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface RestartableInfluxd {
  url: string;
  /** Stops influxd (SIGTERM); its data stays for the next start. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections are accepted by the kernel, nothing answers. A hung store. */
  freeze(): void;
  /** Lets a frozen influxd run on (SIGCONT). */
  thaw(): void;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * A throwaway InfluxDB 1.x like harness/influxd.ts starts, but one that can be stopped and started
 * again on the same address and data, as an operator restarting it would.
 */
export async function startRestartableInfluxd(): Promise<RestartableInfluxd> {
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-influxd-r-'));
  const configFile = path.join(dir, 'influxd.conf');
  const q = (value: string) => JSON.stringify(value);
  await writeFile(
    configFile,
    `reporting-disabled = true
bind-address = ${q(`127.0.0.1:${rpcPort}`)}
[meta]
  dir = ${q(path.join(dir, 'meta'))}
[data]
  dir = ${q(path.join(dir, 'data'))}
  wal-dir = ${q(path.join(dir, 'wal'))}
  query-log-enabled = false
[http]
  bind-address = ${q(`127.0.0.1:${httpPort}`)}
  log-enabled = false
[monitor]
  store-enabled = false
`,
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const start = async () => {
    child = spawn('influxd', ['-config', configFile], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`influxd exited (${child.exitCode})`);
      try {
        if ((await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) })).status === 204) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`influxd did not answer ${url}/ping`);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url,
    stop,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async destroy() {
      child?.kill('SIGCONT');
      await stop();
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
