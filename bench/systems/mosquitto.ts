import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tests/src/harness/free-port';

export interface MosquittoInstance {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Mosquitto 2 on a free loopback port, no persistence file, packaged defaults except the
 * per-client queue. Mosquitto's default of 1,000 queued QoS 1 messages drops whatever arrives
 * while a subscriber is that far behind — at 15,000 msg/s a pause of 70 ms in Node-RED — so a
 * user who needs zero loss lifts it: `maxQueued` 0 means no limit (the benchmark's default).
 */
export async function startMosquitto(maxQueued: number): Promise<MosquittoInstance> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'gridsense-bench-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n` +
      `max_queued_messages ${maxQueued}\n`,
  );
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5000;
  for (;;) {
    const up = await new Promise<boolean>((answer) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        answer(true);
        socket.destroy();
      });
      socket.on('error', () => answer(false));
    });
    if (up) return { port, pid: child.pid ?? 0, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not start on ${port}: ${stderr}`);
    }
    await new Promise((wake) => setTimeout(wake, 50));
  }
}
