import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('sends SIGHUP to the process in the PID file', async () => {
    const dir = await tempDir();
    // Exits 7 on SIGHUP; says so once it listens for it.
    const listener =
      "process.on('SIGHUP', () => process.exit(7)); console.log('ready'); setInterval(() => {}, 1000)";
    const child = spawn(process.execPath, ['-e', listener]);
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await writeFile(join(dir, 'mosquitto.pid'), `${child.pid}\n`);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await mosquittoReloader({ pidFile: join(dir, 'mosquitto.pid') })!();
      expect(await exited).toBe(7);
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
