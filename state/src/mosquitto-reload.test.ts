import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoReloader } from './mosquitto-reload';

describe('mosquittoReloader', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridsense-reload-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('is absent when neither a command nor a PID file is set', () => {
    expect(mosquittoReloader({})).toBeUndefined();
  });

  it('runs the command with its arguments, without a shell', async () => {
    const dir = await tempDir();
    const out = join(dir, 'touched;echo');
    await mosquittoReloader({ command: `touch ${out}` })!();
    // No shell: the ';' is part of the file name, not a second command.
    expect(await readFile(out, 'utf8')).toBe('');
  });

  it('reports a failing command with what it wrote', async () => {
    await expect(mosquittoReloader({ command: 'ls /no/such/folder' })!()).rejects.toThrow(
      /reload command failed: .*no\/such/,
    );
  });

  /** A process that exits 7 on SIGHUP, started as `name` (a link to node: the kernel names it so). */
  async function hupListener(dir: string, name: string) {
    const listener =
      "process.on('SIGHUP', () => process.exit(7)); console.log('ready'); setInterval(() => {}, 1000)";
    await symlink(process.execPath, join(dir, name));
    const child = spawn(join(dir, name), ['-e', listener]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    await writeFile(join(dir, 'mosquitto.pid'), `${child.pid}\n`);
    return child;
  }

  it('sends SIGHUP to the Mosquitto process in the PID file', async () => {
    const dir = await tempDir();
    const child = await hupListener(dir, 'mosquitto');
    try {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await mosquittoReloader({ pidFile: join(dir, 'mosquitto.pid') })!();
      expect(await exited).toBe(7);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('signals nothing when a stale PID file names another process', async () => {
    const dir = await tempDir();
    const child = await hupListener(dir, 'otherdaemon');
    try {
      await expect(mosquittoReloader({ pidFile: join(dir, 'mosquitto.pid') })!()).rejects.toThrow(
        /\(otherdaemon\), not mosquitto/,
      );
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a PID file without a process id', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'mosquitto.pid'), 'garbage');
    await expect(mosquittoReloader({ pidFile: join(dir, 'mosquitto.pid') })!()).rejects.toThrow(
      /no process id/,
    );
  });
});
