import type { AuditEntryView } from '@gridsense/core';
import Database from 'better-sqlite3';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRedChildPid, processArgs, processEnvironment, waitFor } from './harness/node-red-child';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * What a flow can do is code: Node-RED runs in a confined process of its own, which holds no
 * credential, is given no path to the state database, cannot open it even when it guesses the
 * path, and cannot run commands or install modules. Every deploy is on the audit chain.
 */
describe('Node-RED apart from the platform', () => {
  let env: TestPlatform;
  let editorToken: string;
  let admin: ApiClient;
  let pid: number;
  let stateDb: string;

  beforeAll(async () => {
    env = await startTestPlatform({ nodeRed: true });
    stateDb = join(env.dataDir, 'state.db');
    pid = nodeRedChildPid(env.dataDir)!;
    const granted = await fetch(`${env.baseUrl}/flows/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'node-red-editor',
        grant_type: 'password',
        scope: '*',
        username: 'eng1',
        password: await env.editorPassword('eng1'),
      }),
    });
    editorToken = ((await granted.json()) as { access_token: string }).access_token;
    admin = await env.login('admin');
  });

  afterAll(async () => {
    await env?.stop();
  });

  const editor = (path: string, init: RequestInit = {}) =>
    fetch(`${env.baseUrl}/flows${path}`, {
      ...init,
      headers: { authorization: `Bearer ${editorToken}`, ...(init.headers ?? {}) },
    });
  const deploy = (flows: object[]) =>
    editor('/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flows),
    });

  it('runs in a confined process that is handed no path to the state database and no secret', async () => {
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    const args = processArgs(pid);
    const environment = processEnvironment(pid);
    const secrets = new Database(stateDb, { readonly: true })
      .prepare('SELECT value FROM settings')
      .all()
      .map((row) => (row as { value: string }).value);
    expect(secrets.length).toBeGreaterThan(0);
    for (const text of [...args, ...environment]) {
      expect(text).not.toContain('state.db');
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    // Only TZ may be passed on: the platform's environment holds broker and store credentials.
    expect(environment.filter((e) => !e.startsWith('TZ='))).toEqual([]);
    expect(args.some((a) => a === '--permission' || a === '--experimental-permission')).toBe(true);
    expect(args.filter((a) => a.startsWith('--allow-fs-write='))).toEqual([
      `--allow-fs-write=${join(env.dataDir, 'node-red')}`,
    ]);
    expect(args.filter((a) => /^--allow-(child-process|worker|addons|wasi)/.test(a))).toEqual([]);
    expect((await stat(join(env.dataDir, 'node-red'))).mode & 0o777).toBe(0o700);
  });

  it('has no exec node, no modules for function nodes and installs nothing', async () => {
    const sets = (await (await editor('/nodes', { headers: { accept: 'application/json' } })).json()) as {
      types: string[];
    }[];
    const types = sets.flatMap((set) => set.types);
    expect(types).toContain('function');
    expect(types).not.toContain('exec');
    const settings = (await (await editor('/settings')).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({
      functionExternalModules: false,
      externalModules: { palette: { allowInstall: false, allowUpload: false } },
    });
    // The palette's install route is not there at all.
    const install = await editor('/nodes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ module: 'node-red-contrib-anything' }),
    });
    expect(install.status).toBe(404);
  });

  it("keeps the state database from a function node that escapes Node-RED's sandbox", async () => {
    // The worst case: the flow knows where the database is and reaches the real `process`.
    const probe = `
      const report = { requireInSandbox: typeof require, cookie: msg.req.headers.cookie };
      const proc = msg.constructor.constructor('return process')();
      report.escaped = typeof proc.pid === 'number';
      const fs = proc.getBuiltinModule('fs');
      const attempt = (name, run) => {
        try { run(); report[name] = 'done'; } catch (e) { report[name] = e.code || String(e); }
      };
      attempt('read', () => fs.readFileSync(${JSON.stringify(stateDb)}));
      attempt('readDevices', () => fs.readFileSync(${JSON.stringify(join(env.dataDir, 'demo-devices.json'))}));
      attempt('write', () => fs.writeFileSync(${JSON.stringify(join(env.dataDir, 'planted'))}, 'x'));
      attempt('exec', () => proc.getBuiltinModule('child_process').execSync('cat ${stateDb}'));
      attempt('mainRequire', () => proc.mainModule.require('child_process').spawnSync('true'));
      attempt('ownDir', () => fs.writeFileSync('probe.txt', 'flows may write here'));
      try { await import('node:fs'); report.imported = 'done'; } catch (e) { report.imported = e.code || 'refused'; }
      msg.payload = report;
      return msg;`;
    const deployed = await deploy([
      { id: 'probe-tab', type: 'tab', label: 'probe' },
      {
        id: 'probe-in',
        type: 'http in',
        z: 'probe-tab',
        url: '/probe',
        method: 'get',
        wires: [['probe-fn']],
      },
      { id: 'probe-fn', type: 'function', z: 'probe-tab', func: probe, outputs: 1, wires: [['probe-out']] },
      { id: 'probe-out', type: 'http response', z: 'probe-tab', wires: [] },
    ]);
    expect(deployed.status).toBe(204);
    // A visitor's GridSense session is not passed on, and the flow's page runs sandboxed.
    const visitor = { cookie: 'gs_session=the-visitors-session; theme=dark' };
    const response = await waitFor('the probe flow', async () => {
      const answer = await fetch(`${env.baseUrl}/flows/HTTP/probe`, { headers: visitor });
      return answer.status === 200 ? answer : undefined;
    });
    expect(response.headers.get('content-security-policy')).toMatch(/(^|, )sandbox allow-scripts/);
    const answer = (await response.json()) as Record<string, string>;
    expect(answer).toEqual({
      requireInSandbox: 'undefined',
      cookie: 'theme=dark',
      escaped: true,
      read: 'ERR_ACCESS_DENIED',
      readDevices: 'ERR_ACCESS_DENIED',
      write: 'ERR_ACCESS_DENIED',
      exec: 'ERR_ACCESS_DENIED',
      mainRequire: 'ERR_ACCESS_DENIED',
      ownDir: 'done',
      imported: expect.not.stringMatching(/^done$/) as unknown as string,
    });
  });

  it('writes every deploy to the audit chain with the editor and what changed', async () => {
    const before = await admin.call<AuditEntryView[]>('GET', '/api/audit?entityType=flows&limit=1000');
    const deployed = await deploy([
      { id: 'audit-tab', type: 'tab', label: 'audited' },
      { id: 'audit-inject', type: 'inject', z: 'audit-tab', wires: [['audit-debug']] },
      { id: 'audit-debug', type: 'debug', z: 'audit-tab', wires: [] },
    ]);
    expect(deployed.status).toBe(204);
    const entry = await waitFor('the deploy on the audit log', async () => {
      const after = await admin.call<AuditEntryView[]>('GET', '/api/audit?entityType=flows&limit=1000');
      return after.body.find((e) => !before.body.some((b) => b.seq === e.seq));
    });
    expect(entry).toMatchObject({
      actorId: 'u-eng1',
      actorName: '物联网工程师',
      action: 'flows.deployed',
      entityType: 'flows',
      data: {
        username: 'eng1',
        nodes: 3,
        added: { tab: 1, inject: 1, debug: 1 },
        removed: { tab: 1, 'http in': 1, function: 1, 'http response': 1 },
        changed: {},
      },
    });
    const verified = await admin.call<{ ok: boolean }>('GET', '/api/audit/verify');
    expect(verified.body.ok).toBe(true);
  });
});
