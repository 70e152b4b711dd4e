/**
 * One GridSense broker node as deployed: `broker/src/main.ts` (device registry from its state
 * database, device auth and topic ACL, connection guard, revoked sessions) in a process of its
 * own, with the bench's probe preloaded to read its memory from outside.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/child';
import type { BrokerProbeReading, ProbeCall, ProbeReply } from './broker-probe';

/** What broker/src/main.ts sends through runService once it listens (state/src/supervisor.ts). */
const READY = 'gridsense:ready';

export interface BrokerNodeProcess {
  name: string;
  pid: number;
  port: number;
  read(): Promise<BrokerProbeReading>;
  /** Writes a heap snapshot (blocks the node for seconds); resolves with its path. */
  snapshot(path: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBrokerNodeProcess(options: {
  name: string;
  dataDir: string;
  port: number;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}): Promise<BrokerNodeProcess> {
  const child: ChildProcess = fork(join(REPO_ROOT, 'broker/src/main.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: [
      '--import',
      'tsx',
      '--import',
      join(REPO_ROOT, 'bench/connections/broker-probe.ts'),
      '--expose-gc',
    ],
    // Only what the broker reads: its data dir and listener; the network limits stay at their
    // production defaults (the load comes from many source addresses, as real devices do).
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRIDSENSE_DATA_DIR: options.dataDir,
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(options.port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const onOutput = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    options.log(`[${options.name}] ${chunk.toString().trimEnd()}`);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.removeListener('exit', killOnExit));

  const pending = new Map<number, (reply: ProbeReply) => void>();
  let nextId = 1;
  child.on('message', (message: ProbeReply) => {
    if (typeof message === 'object' && message?.kind === 'probe-reply') {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  void exited.then(() => {
    for (const answer of pending.values()) answer({ kind: 'probe-reply', id: 0, ok: false, error: 'exited' });
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} not ready in time\n${tail}`)),
      options.readyTimeoutMs ?? 120_000,
    );
    child.on('message', (message) => {
      if (message !== READY) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before ready\n${tail}`));
    });
  });

  const call = <R>(method: ProbeCall['method'], path?: string) =>
    new Promise<R>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (reply) =>
        reply.ok ? resolve(reply.result as R) : reject(new Error(`${options.name}: ${reply.error}`)),
      );
      child.send({ kind: 'probe', id, method, path } satisfies ProbeCall);
    });

  return {
    name: options.name,
    pid: child.pid ?? 0,
    port: options.port,
    read: () => call<BrokerProbeReading>('read'),
    snapshot: (path) => call<string>('snapshot', path),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM: runService closes the broker (ending every client) and exits.
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
