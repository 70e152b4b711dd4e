import type { Logger, StateDb } from '@gridsense/state';
import { openTestStateDb, stateDialects } from '@gridsense/state/testing';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../error-handler';
import type { WebDeps } from '../web-deps';
import { mqttAuthRoutes } from './mqtt-auth.routes';

const SECRET = 'emqx-shared-secret-for-unit-tests-0123';
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined } as unknown as Logger;

describe.each(stateDialects())('EMQX endpoints reading the service accounts (%s)', (dialect) => {
  let db: StateDb | undefined;
  let close: (() => void) | undefined;

  afterEach(async () => {
    close?.();
    await db?.destroy();
  });

  it('read them again after a failed read instead of failing for good', async () => {
    db = await openTestStateDb(dialect);
    const real = db;
    let failures = 1;
    // The state database fails once (busy, a lost connection), then answers again.
    const flaky = new Proxy(real, {
      get(target, property, receiver) {
        if (property === 'selectFrom' && failures > 0) {
          failures--;
          return () => {
            throw new Error('database unavailable');
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const deps = { db: flaky, now: () => Date.now(), logger: quiet } as unknown as WebDeps;
    const app = express();
    app.use(express.json());
    app.use(
      mqttAuthRoutes(deps, { sharedSecret: SECRET, configuredService: { username: 'svc', password: 'pw' } }),
    );
    app.use(errorHandler(quiet));
    const server = app.listen(0, '127.0.0.1');
    close = () => server.close();
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const connect = () =>
      fetch(`http://127.0.0.1:${port}/api/mqtt/emqx/authn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ clientid: 'gridsense-bus', username: 'svc', password: 'pw' }),
      });

    expect((await connect()).status).toBe(500);
    const again = await connect();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ result: 'allow', is_superuser: false });
  });
});
