import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { diffFlows } from './flow-diff';
import { createFlowPlatform } from './flow-platform';
import { LineChannel } from './line-channel';
import type {
  ChildMessage,
  ChildRequests,
  ChildRequestType,
  NodeRedStart,
  ParentMessage,
} from './node-red-protocol';
import { nodeRedSettings, type NodeRedLogRecord } from './node-red-settings';

/**
 * Node-RED's own process. The platform starts it (web/src/node-red-process.ts) under Node's
 * permission model, with fd 3 as the pipe to the platform, no environment, and its own userDir as
 * the only place it may write. Everything else (editor sign-in, risks, device traffic, deploy
 * reports) goes over that pipe. When the pipe closes, the platform is gone: so is this process.
 */

/** The parts of Node-RED's embedding API used here (it ships no types). */
interface NodeRedRuntime {
  init(server: ReturnType<typeof createServer>, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: (req: unknown, res: unknown, next: unknown) => void;
  httpNode: (req: unknown, res: unknown, next: unknown) => void;
  events: { once(event: 'flows:started', listener: () => void): void };
}

/** Node-RED's default storage (storage/localfilesystem), which `storageModule` may wrap. */
interface NodeRedStorage {
  getFlows(): Promise<unknown[]>;
  saveFlows(flows: unknown[], user?: { username?: unknown }): Promise<void>;
}

interface ExpressLike {
  (req: unknown, res: unknown): void;
  use(path: string, handler: unknown): void;
}

const REQUEST_TIMEOUT_MS = 30_000;
const FLOWS_START_WAIT_MS = 10_000;
const LOG_LEVELS: Record<number, 'error' | 'warn' | 'info'> = { 10: 'error', 20: 'error', 30: 'warn' };

let red: NodeRedRuntime | undefined;
let nextId = 1;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

const channel = new LineChannel<ParentMessage, ChildMessage>(
  new Socket({ fd: 3, readable: true, writable: true }),
  {
    maxLineBytes: 16 * 1024 * 1024,
    onMessage: (message) => receive(message),
    onOverflow: () => undefined,
    onInvalid: () => undefined,
    onClose: () => process.exit(),
  },
);

function request<K extends ChildRequestType>(
  type: K,
  body: ChildRequests[K]['request'],
): Promise<ChildRequests[K]['reply']> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('the platform did not answer'));
    }, REQUEST_TIMEOUT_MS);
    pending.set(id, {
      resolve: (value) => {
        clearTimeout(timer);
        resolve(value as ChildRequests[K]['reply']);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    channel.send({ t: type, id, ...body } as ChildMessage);
  });
}

/** The platform keeps this much of a log line (and kills a child that sends a 1 MiB line). */
const LOG_LINE_CHARS = 4000;
/** What the platform accepts in a sign-in request (a longer name or password is no account). */
const MAX_USERNAME = 200;
const MAX_PASSWORD = 1024;

const log = (level: 'error' | 'warn' | 'info', message: string) =>
  channel.send({ t: 'log', level, message: message.slice(0, LOG_LINE_CHARS) });

function describeLog(record: NodeRedLogRecord): string {
  const { msg } = record;
  let text: string;
  try {
    text = msg instanceof Error ? msg.message : typeof msg === 'string' ? msg : String(JSON.stringify(msg));
  } catch {
    text = String(msg);
  }
  return record.type ? `[${record.type}:${record.name ?? record.id ?? ''}] ${text}` : text;
}

const flows = createFlowPlatform({
  raiseRisk: (body) => request('risk.raise', body),
  reportInterest: (interest) => channel.send({ t: 'interest', ...interest }),
  now: Date.now,
  onError: (error, context) =>
    log('error', `${context}: ${error instanceof Error ? error.message : String(error)}`),
});

/** The default storage, reporting each save of the flows (a deploy) with the editor who made it. */
function reportingStorage(base: NodeRedStorage): NodeRedStorage {
  let saved: unknown[] = [];
  return {
    ...base,
    async getFlows() {
      const current = await base.getFlows();
      saved = structuredClone(current);
      return current;
    },
    async saveFlows(next, user) {
      await base.saveFlows(next, user);
      // Sent before the new flows start, so a deploy's entry is out before any code it adds runs.
      const username = typeof user?.username === 'string' ? user.username : null;
      channel.send({ t: 'deployed', username, diff: diffFlows(saved, next) });
      saved = structuredClone(next);
    },
  };
}

async function start(options: NodeRedStart): Promise<void> {
  const requireFromNodeRed = createRequire(options.nodeRedEntry);
  const RED = requireFromNodeRed(options.nodeRedEntry) as NodeRedRuntime;
  red = RED;
  // Node-RED's http-in node needs Express 4 as its root app (it edits `_router.stack`).
  const app = (requireFromNodeRed('express') as () => ExpressLike)();
  const server = createServer((req, res) => app(req, res));
  const storage = requireFromNodeRed('@node-red/runtime/lib/storage/localfilesystem') as NodeRedStorage;
  RED.init(
    server,
    nodeRedSettings({
      userDir: options.userDir,
      nodesDir: options.nodesDir,
      platform: flows.platform,
      credentialSecret: options.credentialSecret,
      findEditor: (username) =>
        username.length > MAX_USERNAME ? Promise.resolve(null) : request('editor.find', { username }),
      authenticateEditor: (username, password) =>
        username.length > MAX_USERNAME || password.length > MAX_PASSWORD
          ? Promise.resolve(null)
          : request('editor.authenticate', { username, password }),
      storageModule: reportingStorage(storage),
      onLog: (record) => log(LOG_LEVELS[record.level] ?? 'info', describeLog(record)),
    }),
  );
  app.use('/flows/http', RED.httpNode);
  app.use('/flows', RED.httpAdmin);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Flows start after RED.start() resolves; wait (briefly) so a reading right after start-up is seen.
  const flowsStarted = new Promise<void>((resolve) => {
    RED.events.once('flows:started', () => resolve());
    setTimeout(resolve, FLOWS_START_WAIT_MS).unref();
  });
  await RED.start();
  await flowsStarted;
  const address = server.address();
  channel.send({ t: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
}

function receive(message: ParentMessage): void {
  switch (message.t) {
    case 'start':
      start(message).catch((error: unknown) => {
        log('error', `Node-RED did not start: ${error instanceof Error ? error.stack : String(error)}`);
        process.exitCode = 1;
        channel.close();
      });
      return;
    case 'stop':
      void (red?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
      return;
    case 'reply': {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
      return;
    }
    case 'device':
    case 'case':
    case 'regions':
      flows.receive(message);
      return;
  }
}
