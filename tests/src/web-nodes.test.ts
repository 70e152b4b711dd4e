import type { CaseView, ClientToServerEvents, ServerToClientEvents, SessionView } from '@gridsense/core';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAutomatically } from './harness/auto-register';
import { redisTestMode, startRedis, type RedisInstance } from './harness/redis-server';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';
import { startWebNodeProcess, type WebNodeProcess } from './harness/web-node-process';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The channel every web node's adapter subscribes to (web/src/socket-cluster.ts, namespace `/`). */
const CLUSTER_CHANNEL = 'gridsense:socket.io#/#';
/** How long a socket stays quiet after its event before the test counts: a duplicate has time to land. */
const QUIET_MS = 1_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A socket.io client on `baseUrl` with a session cookie obtained elsewhere. */
async function connect(baseUrl: string, cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl, { extraHeaders: { cookie }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Every `case:updated` a socket receives, to count later. */
function record(socket: ClientSocket): CaseView[] {
  const seen: CaseView[] = [];
  socket.on('case:updated', (view) => seen.push(view));
  return seen;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Node A is the whole platform in this process (embedded broker, alerts, web); nodes B and C are
 * the web service alone, each in a child process on A's broker and state database. All share one
 * Redis.
 */
describe.runIf(redisTestMode() === 'run')('web nodes on one Redis (decision 0014)', () => {
  let redis: RedisInstance;
  let nodeA: TestPlatform;
  let nodeB: WebNodeProcess;
  let nodeC: WebNodeProcess;
  let probe: Redis;
  let op: ApiClient;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    probe = new Redis(redis.url);
    probe.on('error', () => undefined);
    nodeA = await startTestPlatform({ env: { REDIS_URL: redis.url } });
    const webNode = () =>
      startWebNodeProcess(nodeA.dataDir, { MQTT_URL: nodeA.mqttUrl, REDIS_URL: redis.url });
    [nodeB, nodeC] = await Promise.all([webNode(), webNode()]);
    op = await nodeA.login('op1');
    // The pushes are the subject: 市容 calls are registered (and routed) as they are entered.
    await registerAutomatically(await nodeA.login('admin'), 'city_appearance');
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([nodeB?.stop(), nodeC?.stop()]);
    await nodeA?.stop();
    probe?.disconnect();
    await redis?.stop();
  }, 60_000);

  it('joins the three nodes to one socket.io cluster on the Redis', async () => {
    await until(
      async () => ((await probe.pubsub('NUMSUB', CLUSTER_CHANNEL)) as [string, number])[1] === 3,
      'the three web nodes on the cluster channel',
    );
  });

  it('takes a session signed in on node A on node B, for the API and the socket handshake', async () => {
    const onB = await fetch(`${nodeB.httpUrl}/api/session`, { headers: { cookie: op.cookie } });
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as SessionView).user.username).toBe('op1');
    sockets.push(await connect(nodeB.httpUrl, op.cookie));
    // Without a session, node B refuses both, as node A does.
    expect((await fetch(`${nodeB.httpUrl}/api/session`)).status).toBe(401);
    await expect(connect(nodeB.httpUrl, 'gs_session=forged')).rejects.toThrow('unauthenticated');
  });

  /** What a grid worker of G01, signed in on node A, sees with the console open on each node. */
  let seen: CaseView[][] = [];
  let caseId = '';
  let leadId: string | null = null;
  const statesOn = (views: CaseView[]) =>
    views.filter((view) => view.id === caseId).map((view) => view.state);
  /** Waits for `count` changes of the case on every socket, then a quiet spell, and lists them per node. */
  const settled = async (count: number, what: string) => {
    await until(() => seen.every((views) => statesOn(views).length >= count), what);
    await sleep(QUIET_MS);
    return seen.map(statesOn);
  };

  it("pushes a case opened through node A to a grid worker's sockets on nodes B and C exactly once", async () => {
    const worker = await nodeA.login('worker01');
    const onEach = [
      await connect(nodeA.baseUrl, worker.cookie),
      await connect(nodeB.httpUrl, worker.cookie),
      await connect(nodeC.httpUrl, worker.cookie),
    ];
    sockets.push(...onEach);
    seen = onEach.map(record);

    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '井盖缺失',
      description: '小区东门井盖缺失（来电反映）',
      category: 'city_appearance',
      severity: 'warning',
      gridId: 'G01',
      callerName: '吴芳',
      callerPhone: '13500004444',
    });
    expect(call.status).toBe(201);
    caseId = call.body.case.id;
    leadId = call.body.case.assigneeId;
    expect(await settled(1, 'the new case on every node')).toEqual([
      ['dispatched'],
      ['dispatched'],
      ['dispatched'],
    ]);
  });

  it('pushes changes made through any node to the sockets on every node, once each', async () => {
    expect(leadId).toMatch(/^u-/);
    const lead = await nodeA.login(leadId!.replace(/^u-/, ''));

    // The lead accepts through node A.
    expect((await lead.call('POST', `/api/cases/${caseId}/actions`, { action: 'accept' })).status).toBe(200);
    const accepted = ['dispatched', 'accepted'];
    expect(await settled(2, 'the accept on every node')).toEqual([accepted, accepted, accepted]);

    // And reports arriving through node B, with the cookie node A set.
    const arrived = await fetch(`${nodeB.httpUrl}/api/cases/${caseId}/actions`, {
      method: 'POST',
      headers: { cookie: lead.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'arrive' }),
    });
    expect(arrived.status).toBe(200);
    const onSite = [...accepted, 'in_progress'];
    expect(await settled(3, 'the arrival on every node')).toEqual([onSite, onSite, onSite]);
  });

  it('a sign-out through node B ends the session on node A and closes its sockets on every node', async () => {
    const worker = await nodeA.login('worker02');
    const onEach = [
      await connect(nodeA.baseUrl, worker.cookie),
      await connect(nodeB.httpUrl, worker.cookie),
      await connect(nodeC.httpUrl, worker.cookie),
    ];
    sockets.push(...onEach);
    const signedOut = await fetch(`${nodeB.httpUrl}/api/session`, {
      method: 'DELETE',
      headers: { cookie: worker.cookie },
    });
    expect(signedOut.status).toBe(204);
    await until(() => onEach.every((socket) => !socket.connected), 'every socket closed');
    expect((await worker.call('GET', '/api/session')).status).toBe(401);
  });
});

/**
 * The platform on its own broker without Redis (node A) and one web service on Redis (node B): a
 * Redis outage leaves node B's pushes whole, since none of them travels through Redis.
 */
describe.runIf(redisTestMode() === 'run')('a web node whose Redis is down', () => {
  let redis: RedisInstance;
  let nodeA: TestPlatform;
  let nodeB: WebNodeProcess;
  let socket: ClientSocket | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    nodeA = await startTestPlatform();
    nodeB = await startWebNodeProcess(nodeA.dataDir, { MQTT_URL: nodeA.mqttUrl, REDIS_URL: redis.url });
    await registerAutomatically(await nodeA.login('admin'), 'city_appearance');
  }, 180_000);

  afterAll(async () => {
    socket?.disconnect();
    await nodeB?.stop();
    await nodeA?.stop();
    await redis?.stop();
  }, 60_000);

  it('still pushes a new case to its sockets, once, and logs the outage', async () => {
    const [op, worker] = [await nodeA.login('op1'), await nodeA.login('worker01')];
    socket = await connect(nodeB.httpUrl, worker.cookie);
    const seen = record(socket);
    await redis.stop();
    await until(
      () => nodeB.output().includes('socket.io cluster: Redis unreachable'),
      'the outage in the log',
    );

    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '路灯不亮',
      description: '3 号楼前路灯不亮（来电反映）',
      category: 'city_appearance',
      severity: 'warning',
      gridId: 'G01',
      callerName: '钱明',
      callerPhone: '13700003333',
    });
    expect(call.status).toBe(201);
    const states = () => seen.filter((view) => view.id === call.body.case.id).map((view) => view.state);
    await until(() => states().length > 0, 'the new case on node B');
    await sleep(QUIET_MS);
    expect(states()).toEqual(['dispatched']);
  });
});
