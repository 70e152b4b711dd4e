import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** How GridSense tells an external Mosquitto to re-read its password file and ACL. */
export interface MosquittoReload {
  /**
   * A command run after each rewrite, split on spaces and run without a shell (e.g.
   * `systemctl reload mosquitto`, or `docker kill --signal HUP mosquitto`).
   */
  command?: string | undefined;
  /** Mosquitto's PID file (its `pid_file` setting): SIGHUP to that process. */
  pidFile?: string | undefined;
}

const COMMAND_TIMEOUT_MS = 15_000;

function runCommand(command: string): Promise<void> {
  const [file, ...args] = command.trim().split(/\s+/);
  return new Promise((resolve, reject) => {
    execFile(file!, args, { timeout: COMMAND_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`mosquitto reload command failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

async function signalPidFile(pidFile: string): Promise<void> {
  const text = (await readFile(pidFile, 'utf8')).trim();
  const pid = Number(text);
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`${pidFile} holds no process id: "${text}"`);
  // A stale pid file may name another process now, and SIGHUP ends most: only Mosquitto gets it.
  const name = await readFile(`/proc/${pid}/comm`, 'utf8').then(
    (comm) => comm.trim(),
    () => undefined,
  );
  if (name !== undefined && name !== 'mosquitto')
    throw new Error(`${pidFile} names process ${pid} (${name}), not mosquitto: not signalled`);
  process.kill(pid, 'SIGHUP');
}

/** The reload to run after each rewrite, or undefined when neither way is configured. */
export function mosquittoReloader(setting: MosquittoReload): (() => Promise<void>) | undefined {
  const { command, pidFile } = setting;
  if (command) return () => runCommand(command);
  if (pidFile) return () => signalPidFile(pidFile);
  return undefined;
}
