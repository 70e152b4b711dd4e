import {
  findUserByUsername,
  getOrCreateSecret,
  verifyPassword,
  type Logger,
  type StateDb,
} from '@gridsense/state';
import {
  buildFlowNodes,
  createFlowPlatform,
  FLOW_FILE,
  installExampleFlows,
  nodeRedSettings,
} from '@gridsense/flows';
import type { Express } from 'express';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { WebDeps } from './web-deps';

/** The small part of Node-RED's embedding API we use (it ships no types). */
interface NodeRedRuntime {
  init(server: HttpServer, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: Express;
  httpNode: Express;
  events: { once(event: 'flows:started', listener: () => void): void };
}

const EDITOR_ROLES = ['engineer', 'admin'];

/**
 * Node-RED embedded at /flows for scenario flows. Its editor logs in with GridSense accounts and
 * admits engineers and admins only. Node-RED is a per-process singleton: init it once.
 */
export async function embedNodeRed(options: {
  app: Express;
  server: HttpServer;
  db: StateDb;
  dataDir: string;
  logger: Logger;
  /** What GridSense nodes may use: the bus (risks, cases, device traffic), devices and regions. */
  platform: Pick<WebDeps, 'bus' | 'registry' | 'cases' | 'now'>;
}): Promise<{ stop(): Promise<void> }> {
  const requireFromHere = createRequire(import.meta.url);
  const RED = requireFromHere('node-red') as NodeRedRuntime;
  const requireFromNodeRed = createRequire(requireFromHere.resolve('node-red'));
  const editorUser = async (username: string) => {
    const user = await findUserByUsername(options.db, username);
    return user && EDITOR_ROLES.includes(user.role) ? { username, permissions: '*' as const } : null;
  };
  const userDir = join(options.dataDir, 'node-red');
  await mkdir(userDir, { recursive: true });
  // The custom nodes are compiled at every start (CommonJS for Node-RED); examples on the first.
  const nodesDir = await buildFlowNodes(join(userDir, 'lib', 'gridsense-nodes'));
  if (await installExampleFlows(join(userDir, FLOW_FILE))) options.logger.info('example flows installed');
  const { bus, registry, cases, now } = options.platform;
  const platform = await createFlowPlatform({
    bus,
    device(deviceId) {
      const device = registry.get(deviceId);
      return device && { deviceId: device.id, gridId: device.gridId, deviceType: device.type };
    },
    caseView: (caseId) => cases.view(caseId),
    regions: () => cases.regions(),
    now,
    onError: (error, context) => options.logger.error({ err: error, context }, context),
  });
  RED.init(
    options.server,
    nodeRedSettings({
      userDir,
      nodesDir,
      platform,
      // Flow credentials (e.g. an InfluxDB password in a node) are encrypted with a generated key.
      credentialSecret: await getOrCreateSecret(options.db, 'node_red_credential_secret'),
      findEditor: editorUser,
      async authenticateEditor(username, password) {
        const user = await findUserByUsername(options.db, username);
        if (
          !user ||
          !EDITOR_ROLES.includes(user.role) ||
          !(await verifyPassword(password, user.passwordHash))
        )
          return null;
        return { username, permissions: '*' };
      },
    }),
  );
  // Node-RED's http-in node needs its root app to be Express 4 (it edits `_router.stack`), so its
  // routes live in an Express 4 app of Node-RED's own, called from ours for /flows paths.
  const express4 = requireFromNodeRed('express') as () => Express;
  const nodeRedRoot = express4();
  nodeRedRoot.use('/flows/http', RED.httpNode);
  nodeRedRoot.use('/flows', RED.httpAdmin);
  options.app.use((request, response, next) => {
    if (request.path === '/flows' || request.path.startsWith('/flows/')) nodeRedRoot(request, response, next);
    else next();
  });
  // Flows start after RED.start() resolves; wait (briefly) so a reading right after start-up is seen.
  const flowsStarted = new Promise<void>((resolve) => {
    RED.events.once('flows:started', () => resolve());
    setTimeout(resolve, 10_000).unref();
  });
  await RED.start();
  await flowsStarted;
  options.logger.info('Node-RED editor at /flows');
  return { stop: () => RED.stop() };
}
