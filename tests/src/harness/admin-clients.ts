import type { AuditEntryView } from '@gridsense/core';
import type { StateDialect } from '@gridsense/state';
import { startTestPlatform, type ApiClient, type TestPlatform } from './test-platform';

/** A test platform with an administrator, an operator, an engineer and the given grid worker signed in. */
export async function startWithAdminClients(
  worker: string,
  settings: Record<string, string> = {},
  dialect: StateDialect = 'sqlite',
): Promise<{
  env: TestPlatform;
  admin: ApiClient;
  op: ApiClient;
  eng: ApiClient;
  worker: ApiClient;
}> {
  const env = await startTestPlatform({ env: settings, dialect });
  try {
    const [admin, op, eng, workerClient] = await Promise.all([
      env.login('admin'),
      env.login('op1'),
      env.login('eng1'),
      env.login(worker),
    ]);
    return { env, admin, op, eng, worker: workerClient };
  } catch (failure) {
    // The suite's afterAll never sees this platform: stop it here.
    await env.stop();
    throw failure;
  }
}

/**
 * The raw sign-in request, for asserting on its status (a refused password, a fresh one); a
 * person the harness enrolled brings their next code.
 */
export function signIn(env: TestPlatform, username: string, password: string): Promise<Response> {
  return fetch(`${env.baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, ...env.authenticator.nextFactor(username) }),
  });
}

/** The audit entries about one entity, as the administrator sees them. */
export async function auditOf(
  admin: ApiClient,
  entityType: string,
  entityId: string,
): Promise<AuditEntryView[]> {
  return (
    await admin.call<AuditEntryView[]>('GET', `/api/audit?entityType=${entityType}&entityId=${entityId}`)
  ).body;
}
