import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stopChild, waitForPort } from './child-port';
import { freePort } from './free-port';
import { binaryTestMode, findBinary } from './required-binary';

export interface MosquittoInstance {
  url: string;
  port: number;
  /** With `websockets`: MQTT over WebSocket, `ws://127.0.0.1:{port}/mqtt`. */
  wsUrl?: string;
  pid: number;
  /** SIGHUP: Mosquitto re-reads its password file and ACL. */
  reload(): void;
  /** The PID file Mosquitto writes itself (`pid_file`), as GRIDSENSE_MOSQUITTO_PID_FILE names it. */
  pidFile: string;
  /**
   * Stops Mosquitto (SIGTERM: a clean stop that saves its persistence file; SIGKILL: a crash) and
   * starts it again on the same port with the same configuration and data.
   */
  restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  stop(): Promise<void>;
}

export interface MosquittoLimits {
  /** QoS 1 messages queued per client past those in flight; 0 = no limit (Mosquitto: 1,000). */
  maxQueued?: number;
  /** QoS 1 messages in flight per client (Mosquitto: 20). */
  maxInflight?: number;
  /** A folder with `passwd` and `acl` (as GridSense writes them): no anonymous clients then. */
  authDir?: string;
  /**
   * Keep sessions and queued messages in a persistence file (as docker/mosquitto.conf does):
   * `autosaveIntervalS` as `autosave_interval` (Mosquitto: 1,800 s), saved on a clean stop.
   */
  persistence?: { autosaveIntervalS: number; autosaveOnChanges?: boolean };
  /** A second listener on another free port speaking MQTT over WebSocket (`wsUrl`). */
  websockets?: boolean;
}

const START_TIMEOUT_MS = 10_000;
// Debian installs the broker in /usr/sbin, which is not on every user's PATH.
const BINARY = findBinary('mosquitto') ?? '/usr/sbin/mosquitto';

/** 'run', or 'skip' outside CI when Debian's mosquitto is missing (throws under CI=true). */
export function mosquittoTestMode(): 'run' | 'skip' {
  return binaryTestMode(BINARY, 'mosquitto');
}

/**
 * A throwaway Mosquitto on a free port: anonymous clients (or `authDir`'s accounts), and by
 * default room for a subscriber that is away for a while (persistent sessions queue up to 100,000
 * QoS 1 messages instead of the default 1,000, which drops the rest).
 */
export async function startMosquitto(limits: MosquittoLimits = {}): Promise<MosquittoInstance> {
  const port = await freePort();
  const wsPort = limits.websockets ? await freePort() : undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-mosquitto-'));
  const configFile = path.join(dir, 'mosquitto.conf');
  await writeFile(
    configFile,
    [
      `listener ${port} 127.0.0.1`,
      ...(wsPort ? [`listener ${wsPort} 127.0.0.1`, 'protocol websockets'] : []),
      `pid_file ${path.join(dir, 'mosquitto.pid')}`,
      // Started as root, Mosquitto drops to its own user, who can write neither the pid file nor
      // the persistence folder here, nor read the 0600 password file: it stays this user.
      `user ${os.userInfo().username}`,
      ...(limits.authDir
        ? [
            'allow_anonymous false',
            `password_file ${path.join(limits.authDir, 'passwd')}`,
            `acl_file ${path.join(limits.authDir, 'acl')}`,
          ]
        : ['allow_anonymous true']),
      ...(limits.persistence
        ? [
            'persistence true',
            `persistence_location ${dir}/`,
            `autosave_interval ${limits.persistence.autosaveIntervalS}`,
            `autosave_on_changes ${limits.persistence.autosaveOnChanges ? 'true' : 'false'}`,
          ]
        : ['persistence false']),
      `max_queued_messages ${limits.maxQueued ?? 100_000}`,
      `max_inflight_messages ${limits.maxInflight ?? 100}`,
      'log_type error',
      '',
    ].join('\n'),
  );
  let child: ChildProcess;
  let stderr = '';
  const launch = () => {
    child = spawn(BINARY, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  };
  const listening = async () => {
    try {
      await waitForPort('mosquitto', port, child, START_TIMEOUT_MS);
      if (wsPort) await waitForPort('mosquitto', wsPort, child, START_TIMEOUT_MS);
    } catch (error) {
      await stop();
      throw new Error(`${(error as Error).message}\n--- mosquitto stderr ---\n${stderr}`, { cause: error });
    }
  };
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  launch();
  await listening();
  const reload = () => void child.kill('SIGHUP');
  const restart = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (signal === 'SIGKILL') {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    } else await stopChild(child);
    launch();
    await listening();
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    ...(wsPort ? { wsUrl: `ws://127.0.0.1:${wsPort}/mqtt` } : {}),
    pidFile: path.join(dir, 'mosquitto.pid'),
    get pid() {
      return child.pid ?? 0;
    },
    reload,
    restart,
    stop,
  };
}
