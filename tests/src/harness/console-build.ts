import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';

/** Builds the console into a temp dir with the project's Vite config, as `npm start` would. */
export async function buildConsole(): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-console-'));
  await build({
    configFile: path.resolve(import.meta.dirname, '../../../web/vite.config.ts'),
    build: { outDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  return outDir;
}
