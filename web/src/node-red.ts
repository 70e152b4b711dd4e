import { buildFlowNodes, buildNodeRedChild, FLOW_FILE, installExampleFlows } from '@gridsense/flows';
import { getOrCreateSecret } from '@gridsense/state';
import type { RequestHandler } from 'express';
import { chmod, lstat, mkdir, readdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createNodeRedBridge } from './node-red-bridge';
import { superviseNodeRed } from './node-red-process';
import { nodeRedProxy } from './node-red-proxy';
import type { UpgradeHandler } from './upgrade-router';
import type { WebDeps } from './web-deps';

export interface NodeRedHandle {
  /** For the app: every request under /flows. */
  handleRequest: RequestHandler;
  /** For the upgrade router: the editor's WebSocket (/flows/comms) and flows' own. */
  handleUpgrade: UpgradeHandler;
  /** The Node-RED process while one runs (tests end it to show the platform does not care). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * How long the platform's start waits for Node-RED (so flows see the first readings) before going
 * on without it; a Node-RED that dies while starting is not waited for. /flows answers 503 until
 * it serves.
 */
const FIRST_START_WAIT_MS = 30_000;

const isWithin = (path: string, dir: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/** node_modules itself, and where its links lead (workspaces, `npm link`ed packages). */
async function readableRoots(nodeModules: string): Promise<string[]> {
  const roots = [await realpath(nodeModules)];
  const entries = await readdir(nodeModules, { withFileTypes: true });
  const scoped = await Promise.all(
    entries
      .filter((e) => e.name.startsWith('@') && e.isDirectory())
      .map(async (e) => (await readdir(join(nodeModules, e.name))).map((name) => join(e.name, name))),
  );
  for (const name of [...entries.map((e) => e.name), ...scoped.flat()]) {
    const path = join(nodeModules, name);
    if ((await lstat(path)).isSymbolicLink()) roots.push(await realpath(path));
  }
  return roots;
}

/**
 * Node-RED at /flows, in a process of its own (web/src/node-red-process.ts): scenario flows are
 * code written by engineers, and that code must not reach the state database, the session key or
 * anything else the platform holds. The child gets its own userDir under the data directory
 * (`node-red/`, 0700: flows and their credentials), read access to Node-RED's modules and the
 * compiled GridSense code, and the pipe to the bridge. Decision 0009.
 */
export async function startNodeRed(deps: WebDeps): Promise<NodeRedHandle> {
  const dataDir = resolve(deps.dataDir);
  const userDir = join(dataDir, 'node-red');
  await mkdir(userDir, { recursive: true, mode: 0o700 });
  await chmod(userDir, 0o700);
  if (await installExampleFlows(join(userDir, FLOW_FILE))) deps.logger.info('example flows installed');
  // Compiled at every start, outside the userDir, so the child can read its code but not change it.
  const codeDir = join(dataDir, 'node-red-code');
  const nodesDir = await buildFlowNodes(join(codeDir, 'gridsense-nodes'));
  const entry = await buildNodeRedChild(codeDir);
  const nodeRedEntry = createRequire(import.meta.url).resolve('node-red');
  const modulesMark = `${sep}node_modules${sep}`;
  const nodeModules = nodeRedEntry.slice(0, nodeRedEntry.lastIndexOf(modulesMark) + modulesMark.length - 1);
  const stateDb = join(await realpath(dataDir), 'state.db');
  for (const root of await readableRoots(nodeModules))
    if (isWithin(stateDb, root))
      throw new Error(`Node-RED could read ${stateDb} through ${root}; move the data dir`);

  const bridge = createNodeRedBridge(deps);
  await bridge.subscribe();
  const child = superviseNodeRed({
    entry,
    readDirs: [nodeModules, codeDir],
    userDir,
    start: {
      t: 'start',
      userDir,
      nodesDir,
      nodeRedEntry,
      // Flow credentials (e.g. an InfluxDB password in a node) are encrypted with a generated key.
      credentialSecret: await getOrCreateSecret(deps.db, 'node_red_credential_secret'),
    },
    logger: deps.logger,
    onMessage: (message, link) => bridge.handle(message, link),
    onReady: (link) => bridge.attach(link),
    onDown: () => bridge.detach(),
  });
  const proxy = nodeRedProxy(() => child.port());
  if (!(await child.whenReady(FIRST_START_WAIT_MS)))
    deps.logger.warn('Node-RED is not serving yet; /flows answers 503 until it does');
  return {
    handleRequest: proxy.handleRequest,
    handleUpgrade: proxy.handleUpgrade,
    pid: () => child.pid(),
    async stop() {
      await child.stop();
      proxy.close();
    },
  };
}
