import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const NODES_SRC = join(import.meta.dirname, 'nodes');
const CHILD_ENTRY = join(import.meta.dirname, 'node-red-main.ts');
const NODE_HTML = ['telemetry-in', 'event-in', 'raise-risk', 'case-in'];

/**
 * Compiles the GridSense nodes into a Node-RED module in `outDir`: one CommonJS bundle (core's
 * functions included, since Node-RED `require`s nodes and cannot load our TypeScript/ESM), their
 * editor and help HTML, and a package.json that marks the folder as a Node-RED module. esbuild
 * takes ~0.1 s, so the platform builds at every start instead of shipping a compiled copy.
 */
export async function buildFlowNodes(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(NODES_SRC, 'gridsense-nodes.ts')],
    outfile: join(outDir, 'gridsense.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  const html = await Promise.all(NODE_HTML.map((name) => readFile(join(NODES_SRC, `${name}.html`), 'utf8')));
  await writeFile(join(outDir, 'gridsense.html'), html.join('\n'));
  const pkg = {
    name: 'gridsense-nodes',
    version: '0.1.0',
    private: true,
    type: 'commonjs',
    description: 'GridSense nodes: telemetry in, event in, raise risk, case updates in',
    'node-red': { version: '>=4.0.0', nodes: { gridsense: 'gridsense.js' } },
  };
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return outDir;
}

/**
 * Compiles Node-RED's process entry (node-red-main.ts, core included) into one CommonJS file in
 * `outDir`. It runs on plain `node` under the permission model: tsx's loader needs worker
 * threads, and a process allowed workers can start one without the permission flags.
 */
export async function buildNodeRedChild(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, 'node-red-main.cjs');
  await build({
    entryPoints: [CHILD_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}

// `tsx flows/src/build-nodes.ts [outDir]` builds a copy by hand (default flows/lib/gridsense-nodes).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = resolve(process.argv[2] ?? join(import.meta.dirname, '../lib/gridsense-nodes'));
  await buildFlowNodes(outDir);
  console.log(`GridSense Node-RED nodes built in ${outDir}`);
}
