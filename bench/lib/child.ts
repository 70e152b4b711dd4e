/**
 * Every system under test and every load source runs in its own process, so none of them
 * shares an event loop (or a heap, for memory per connection) with another. They talk over
 * Node's IPC channel: the child announces `ready` with what it offers, then answers calls.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

type Message =
  | { kind: 'ready'; info: unknown }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'call'; id: number; method: string; args: unknown };

export interface Child<Info> {
  info: Info;
  pid: number;
  call<R>(method: string, args?: unknown): Promise<R>;
  /** Asks the child to close (so a CPU profile gets written), then kills it if it lingers. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  args?: string[];
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Starts `script` (a .ts file, run by tsx) and waits for its `ready`. */
export async function startChild<Info>(script: string, options: ChildOptions = {}): Promise<Child<Info>> {
  const child: ChildProcess = fork(resolve(REPO_ROOT, script), options.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = options.log ?? (() => {});
  const name = script.split('/').pop() ?? script;
  let stderrTail = '';
  child.stdout?.on('data', (chunk: Buffer) => log(`[${name}] ${chunk.toString().trimEnd()}`));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    log(`[${name}] ${chunk.toString().trimEnd()}`);
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => {
    process.removeListener('exit', killOnExit);
    for (const { reject } of pending.values()) reject(new Error(`${name} exited\n${stderrTail}`));
    pending.clear();
  });

  const info = await new Promise<Info>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} not ready in time\n${stderrTail}`)),
      options.readyTimeoutMs ?? 60_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${code}) before ready\n${stderrTail}`));
    });
    child.on('message', (message: Message) => {
      if (message.kind === 'ready') {
        clearTimeout(timer);
        ready(message.info as Info);
      } else if (message.kind === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.result);
        else waiter?.reject(new Error(`${name}: ${message.error}`));
      }
    });
  });

  return {
    info,
    pid: child.pid ?? 0,
    call<R>(method: string, args?: unknown) {
      const id = nextId++;
      return new Promise<R>((resolveCall, rejectCall) => {
        pending.set(id, { resolve: (value) => resolveCall(value as R), reject: rejectCall });
        child.send({ kind: 'call', id, method, args } satisfies Message);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ kind: 'call', id: 0, method: 'exit', args: undefined } satisfies Message);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

type Handlers = Record<string, (args: never) => unknown>;

/** In the child: announces `info` and answers calls; `exit` closes (via onExit) and exits. */
export function serveParent(info: unknown, handlers: Handlers, onExit: () => Promise<void>): void {
  if (!process.send) throw new Error('run me through bench/run.ts (no IPC channel)');
  const send = (message: Message) => process.send?.(message);
  process.on('message', (message: Message) => {
    if (message.kind !== 'call') return;
    if (message.method === 'exit') {
      void onExit().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(message.args as never);
      })
      .then(
        (result) => send({ kind: 'reply', id: message.id, ok: true, result }),
        (error: unknown) => send({ kind: 'reply', id: message.id, ok: false, error: String(error) }),
      );
  });
  // The parent died: nothing to serve any more.
  process.on('disconnect', () => void onExit().finally(() => process.exit(0)));
  send({ kind: 'ready', info });
}

/** Memory as a system reports it, after a full GC when the process runs with --expose-gc. */
export function measureMemory(): { rss: number; heapUsed: number; external: number } {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
}
