import { servicePassword } from '@gridsense/broker';
import { getOrCreateSecret, openStateDb, type DeviceCredential } from '@gridsense/state';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * GridSense's endpoints for EMQX 5's HTTP authentication and authorization, called as EMQX calls
 * them with the request templates of docs/emqx.md: a POST with a JSON body of the filled-in
 * placeholders and the shared secret in `Authorization: Bearer`.
 */
const SHARED_SECRET = 'emqx-shared-secret-for-tests-0123456789';

/** What EMQX sends for a CONNECT: body template `{"clientid": "${clientid}", ...}`. */
const connectBody = (clientid: string, username: string, password: string) => ({
  clientid,
  username,
  password,
  peerhost: '10.20.0.7',
});
/** What EMQX sends for a publish or subscribe. */
const actionBody = (clientid: string, username: string, action: 'publish' | 'subscribe', topic: string) => ({
  clientid,
  username,
  peerhost: '10.20.0.7',
  topic,
  action,
  qos: '1',
  retain: 'false',
});

describe('EMQX HTTP authentication and authorization endpoints', () => {
  let stack: TestPlatform;
  let admin: ApiClient;
  let device: DeviceCredential;
  let neighbour: DeviceCredential;
  let serviceSecret: string;

  const ask = async (
    endpoint: 'authn' | 'authz',
    body: unknown,
    authorization: string | null = `Bearer ${SHARED_SECRET}`,
  ) => {
    const response = await fetch(`${stack.baseUrl}/api/mqtt/emqx/${endpoint}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === null ? {} : { authorization }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as { result?: string; is_superuser?: boolean },
    };
  };
  const authn = async (clientid: string, username: string, password: string) =>
    (await ask('authn', connectBody(clientid, username, password))).body.result;
  const authz = async (clientid: string, username: string, action: 'publish' | 'subscribe', topic: string) =>
    (await ask('authz', actionBody(clientid, username, action, topic))).body.result;

  beforeAll(async () => {
    stack = await startTestPlatform({
      env: {
        GRIDSENSE_EMQX_AUTH_SECRET: SHARED_SECRET,
        MQTT_USERNAME: 'gridsense',
        MQTT_PASSWORD: 'service-password-1',
      },
    });
    [device, neighbour] = stack.devices.filter((d) => d.type === 'smoke_detector') as [
      DeviceCredential,
      DeviceCredential,
    ];
    admin = await stack.login('admin');
    const db = await openStateDb(path.join(stack.dataDir, 'state.db'));
    serviceSecret = await getOrCreateSecret(db, 'mqtt_service_secret').finally(() => db.destroy());
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('lets a device in with its own secret, never as a superuser', async () => {
    const answer = await ask('authn', connectBody(device.id, device.id, device.secret));
    expect(answer).toEqual({
      status: 200,
      type: expect.stringMatching(/^application\/json/),
      body: { result: 'allow', is_superuser: false },
    });
  });

  it('denies a wrong secret, another client id, or a service client id', async () => {
    expect(await authn(device.id, device.id, `${device.secret}x`)).toBe('deny');
    expect(await authn(device.id, device.id, '')).toBe('deny');
    expect(await authn(neighbour.id, device.id, device.secret)).toBe('deny');
    expect(await authn('gridsense-ingest', device.id, device.secret)).toBe('deny');
  });

  it('ignores a username it does not know, so an operator’s next authenticator may answer', async () => {
    expect(await authn('dashboard-1', 'dashboard-1', 'whatever')).toBe('ignore');
  });

  it("admits GridSense's service accounts, each with its own password", async () => {
    expect(await authn('gridsense-bus', 'gridsense', 'service-password-1')).toBe('allow');
    expect(await authn('gridsense-bus', 'gridsense', 'wrong')).toBe('deny');
    const ingest = servicePassword('ingest', serviceSecret);
    expect(await authn('gridsense-ingest-1', 'gridsense-ingest', ingest)).toBe('allow');
    expect(await authn('gridsense-alerts', 'gridsense-alerts', ingest)).toBe('deny');
    expect(
      await authn('gridsense-alerts', 'gridsense-alerts', servicePassword('alerts', serviceSecret)),
    ).toBe('allow');
  });

  it('lets a device publish and subscribe under its own prefix only', async () => {
    const own = `gs/v1/${device.gridId}/${device.id}`;
    expect(await authz(device.id, device.id, 'publish', `${own}/telemetry`)).toBe('allow');
    expect(await authz(device.id, device.id, 'publish', `${own}/status`)).toBe('allow');
    // Commands to the device would come under its own prefix: it may subscribe there.
    expect(await authz(device.id, device.id, 'subscribe', `${own}/cmd`)).toBe('allow');
    expect(await authz(device.id, device.id, 'subscribe', `${own}/#`)).toBe('allow');
    const theirs = `gs/v1/${neighbour.gridId}/${neighbour.id}`;
    expect(await authz(device.id, device.id, 'publish', `${theirs}/telemetry`)).toBe('deny');
    expect(
      await authz(device.id, device.id, 'publish', `gs/v1/${device.gridId}/${neighbour.id}/telemetry`),
    ).toBe('deny');
    expect(await authz(device.id, device.id, 'subscribe', `gs/v1/+/${device.id}/#`)).toBe('deny');
    expect(await authz(device.id, device.id, 'subscribe', '#')).toBe('deny');
    expect(await authz(device.id, device.id, 'publish', 'gridsense/risk/changed')).toBe('deny');
  });

  it('lets a device publish only the topics of the device contract, as the embedded broker does', async () => {
    const own = `gs/v1/${device.gridId}/${device.id}`;
    expect(await authz(device.id, device.id, 'publish', `${own}/event`)).toBe('allow');
    // Its command topic is for GridSense to write and the device to read.
    expect(await authz(device.id, device.id, 'publish', `${own}/cmd`)).toBe('deny');
    expect(await authz(device.id, device.id, 'publish', `${own}/telemetry/extra`)).toBe('deny');
    expect(await authz(device.id, device.id, 'publish', `${own}/`)).toBe('deny');
    expect(await authz(device.id, device.id, 'publish', `${own}/+`)).toBe('deny');
    expect(await authz(device.id, device.id, 'publish', `$delayed/5/${own}/telemetry`)).toBe('deny');
  });

  it('gives each service account its topics, and none of them device topics to publish', async () => {
    expect(
      await authz(
        'gridsense-ingest-1',
        'gridsense-ingest',
        'subscribe',
        '$share/gridsense-ingest/gs/v1/+/+/+',
      ),
    ).toBe('allow');
    expect(
      await authz('gridsense-ingest-1', 'gridsense-ingest', 'publish', 'gridsense/device/status_changed'),
    ).toBe('allow');
    expect(
      await authz(
        'gridsense-ingest-1',
        'gridsense-ingest',
        'publish',
        `gs/v1/${device.gridId}/${device.id}/telemetry`,
      ),
    ).toBe('deny');
    expect(await authz('gridsense-alerts', 'gridsense-alerts', 'subscribe', 'gridsense/risk/changed')).toBe(
      'allow',
    );
    expect(await authz('gridsense-alerts', 'gridsense-alerts', 'subscribe', 'gs/v1/#')).toBe('deny');
    expect(await authz('gridsense-bus', 'gridsense', 'subscribe', 'gs/v1/+/+/telemetry')).toBe('allow');
  });

  it("refuses device topics to a client it does not know, and leaves the rest to EMQX's next source", async () => {
    expect(await authz('dashboard-1', 'dashboard-1', 'subscribe', 'gs/v1/#')).toBe('deny');
    expect(await authz('dashboard-1', 'dashboard-1', 'subscribe', '#')).toBe('deny');
    expect(
      await authz('dashboard-1', 'dashboard-1', 'publish', `gs/v1/${device.gridId}/${device.id}/telemetry`),
    ).toBe('deny');
    expect(await authz('dashboard-1', 'dashboard-1', 'subscribe', 'dashboards/ward-3')).toBe('ignore');
  });

  it('judges $share, $queue and $exclusive subscriptions by their filter, and refuses other $ forms reaching device topics', async () => {
    const unknown = (topic: string, action: 'publish' | 'subscribe' = 'subscribe') =>
      authz('dashboard-1', 'dashboard-1', action, topic);
    expect(await unknown('$share/dash/gs/v1/#')).toBe('deny');
    expect(await unknown('$queue/gs/v1/#')).toBe('deny');
    expect(await unknown('$queue/#')).toBe('deny');
    expect(await unknown('$exclusive/gs/v1/#')).toBe('deny');
    expect(await unknown('$exclusive/+/v1/+/+/telemetry')).toBe('deny');
    expect(await unknown('$share/$queue/gs/v1/#')).toBe('deny');
    expect(await unknown('$share/dash/$queue/gs/v1/#')).toBe('deny');
    expect(await unknown(`$delayed/10/gs/v1/${device.gridId}/${device.id}/telemetry`, 'publish')).toBe(
      'deny',
    );
    expect(await unknown('$future/anything/#')).toBe('deny');
    expect(await unknown('$queue/dashboards/ward-3')).toBe('ignore');
    expect(await unknown('$exclusive/dashboards/#')).toBe('ignore');
    expect(await unknown('$SYS/brokers/#')).toBe('ignore');
    // GridSense's accounts: the same forms judged by their filter.
    expect(await authz('gridsense-ingest-1', 'gridsense-ingest', 'subscribe', '$queue/gs/v1/+/+/+')).toBe(
      'allow',
    );
    expect(await authz('gridsense-alerts', 'gridsense-alerts', 'subscribe', '$exclusive/gs/v1/#')).toBe(
      'deny',
    );
    expect(await authz('gridsense-alerts', 'gridsense-alerts', 'subscribe', '$queue/gridsense/#')).toBe(
      'allow',
    );
  });

  it('denies a disabled device at its next CONNECT and its next publish', async () => {
    const registered = await admin.call<{ secret: string }>('POST', '/api/devices', {
      id: 'smoke-emqx-1',
      gridId: device.gridId,
      type: 'smoke_detector',
    });
    expect(registered.status).toBe(201);
    const topic = `gs/v1/${device.gridId}/smoke-emqx-1/telemetry`;
    expect(await authn('smoke-emqx-1', 'smoke-emqx-1', registered.body.secret)).toBe('allow');
    expect(await authz('smoke-emqx-1', 'smoke-emqx-1', 'publish', topic)).toBe('allow');
    expect((await admin.call('POST', '/api/devices/smoke-emqx-1/disable')).status).toBe(200);
    expect(await authn('smoke-emqx-1', 'smoke-emqx-1', registered.body.secret)).toBe('deny');
    expect(await authz('smoke-emqx-1', 'smoke-emqx-1', 'publish', topic)).toBe('deny');
  });

  it('answers 400 to a body that is not the template’s', async () => {
    const answer = await ask('authn', { clientid: device.id, username: device.id });
    expect(answer.status).toBe(400);
  });

  it('answers malformed bodies with a 4xx and odd values in the right shape with no allow, never a 5xx', async () => {
    const long = 'x'.repeat(70_000);
    const malformed: unknown[] = [
      null,
      [],
      'allow',
      42,
      { clientid: null, username: null, password: null },
      { clientid: ['a'], username: { $ne: 1 }, password: 1 },
      { clientid: device.id, username: device.id, topic: 42, action: 'publish' },
      { __proto__: { result: 'allow' }, clientid: device.id },
    ];
    const oddButShaped: ['authn' | 'authz', unknown][] = [
      ['authn', { clientid: long, username: long, password: long }],
      ['authn', { clientid: 'a\u0000b', username: 'a/+/#', password: '' }],
      ['authz', { clientid: device.id, username: device.id, topic: 'gs/v1/#', action: 'delete' }],
    ];
    const wrong: string[] = [];
    for (const endpoint of ['authn', 'authz'] as const)
      for (const body of malformed) {
        const { status } = await ask(endpoint, body);
        if (status < 400 || status >= 500)
          wrong.push(`${endpoint} ${status} ${JSON.stringify(body)?.slice(0, 60)}`);
      }
    for (const [endpoint, body] of oddButShaped) {
      const answer = await ask(endpoint, body);
      if (answer.status !== 200 || answer.body.result === 'allow')
        wrong.push(`${endpoint} ${answer.status} ${answer.body.result} ${JSON.stringify(body).slice(0, 60)}`);
    }
    expect(wrong).toEqual([]);
    // Still answering a good request afterwards.
    expect(await authn(device.id, device.id, device.secret)).toBe('allow');
  });

  it('refuses a missing or wrong shared secret with 401, then a caller that keeps guessing with 429', async () => {
    const body = connectBody(device.id, device.id, device.secret);
    expect((await ask('authn', body, null)).status).toBe(401);
    expect((await ask('authn', body, `Bearer ${SHARED_SECRET}x`)).status).toBe(401);
    expect(
      (await ask('authz', actionBody(device.id, device.id, 'publish', 'x'), 'Basic Z3Vlc3M6Z3Vlc3M=')).status,
    ).toBe(401);
    const wrong = await ask('authz', actionBody(device.id, device.id, 'publish', 'x'), 'Bearer nope');
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    // Sign-in's limit per address: 20 failures free, then each one doubles the wait.
    let status = 401;
    for (let i = 0; i < 25 && status === 401; i++) status = (await ask('authn', body, 'Bearer guess')).status;
    expect(status).toBe(429);
    // Only wrong secrets are held back: EMQX's own requests from the same address still pass.
    expect(await ask('authn', body)).toMatchObject({ status: 200, body: { result: 'allow' } });
    expect(
      await ask(
        'authz',
        actionBody(device.id, device.id, 'publish', `gs/v1/${device.gridId}/${device.id}/telemetry`),
      ),
    ).toMatchObject({ status: 200, body: { result: 'allow' } });
    // And a correct one does not clear the failures of the wrong ones.
    expect((await ask('authn', body, 'Bearer guess')).status).toBe(429);
  });
});
