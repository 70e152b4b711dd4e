import { serviceAccounts, type ServiceAccount } from '@gridsense/broker';
import { apiText, AppError, type Config } from '@gridsense/core';
import { getOrCreateSecret } from '@gridsense/state';
import type { Request, Response, Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { AttemptLimiter, ADDRESS_RULE } from '../auth/login-throttle';
import { declaredRouter } from '../route-actions';
import type { WebDeps } from '../web-deps';
import { authenticate, authorize, type MqttAuthContext } from './mqtt-auth-decisions';

/** What the EMQX endpoints need beyond the web server's own parts (from the configuration). */
export interface EmqxAuthSettings {
  /** GRIDSENSE_EMQX_AUTH_SECRET; unset: every request is refused. */
  sharedSecret: string | undefined;
  /** MQTT_USERNAME / MQTT_PASSWORD, when they name the general service account. */
  configuredService?: { username: string; password: string };
}

const addressOf = (request: Request): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The body's string fields (EMQX fills each placeholder, empty when the client sent none). */
function fields<K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (names.some((name) => typeof record[name] !== 'string'))
    throw new AppError('validation_failed', apiText('mqtt.templateBody'));
  return Object.fromEntries(names.map((name) => [name, record[name] as string])) as Record<K, string>;
}

/**
 * EMQX 5's HTTP authentication and authorization (docs/emqx.md): EMQX POSTs each CONNECT and each
 * publish or subscribe, with `Authorization: Bearer <GRIDSENSE_EMQX_AUTH_SECRET>`, and gets 200
 * with `{"result": "allow" | "deny" | "ignore"}`. No console session: the shared secret is the
 * caller's proof. An address that keeps sending a wrong one is answered 429 for longer and longer,
 * as sign-in is, but only its wrong ones: the secret is checked first and a right one is always
 * answered, so nobody sharing EMQX's address can lock EMQX (and every device connect) out.
 */
export function mqttAuthRoutes(deps: WebDeps, settings: EmqxAuthSettings | undefined): Router {
  const router = declaredRouter();
  const wrongSecrets = new AttemptLimiter(ADDRESS_RULE);
  let accounts: Promise<readonly ServiceAccount[]> | undefined;
  const context: MqttAuthContext = {
    db: deps.db,
    services: () =>
      (accounts ??= getOrCreateSecret(deps.db, 'mqtt_service_secret').then(
        (secret) => serviceAccounts(secret, settings?.configuredService),
        // A failed read (the database busy or away) is not kept: the next request reads again.
        (error: unknown) => {
          accounts = undefined;
          throw error;
        },
      )),
  };

  const checkCaller = (request: Request, response: Response): void => {
    const expected = settings?.sharedSecret;
    const sent = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    // A right secret is never held back; its success does not clear the address's failures either.
    if (expected && sameText(sent, expected)) return;
    const address = addressOf(request);
    const now = deps.now();
    const waitMs = wrongSecrets.waitMs(address, now);
    wrongSecrets.fail(address, now);
    if (waitMs > 0) {
      response.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      throw new AppError('too_many_requests', apiText('session.tooManyAttempts'));
    }
    throw new AppError('unauthenticated', apiText('mqtt.wrongSecret'));
  };

  router.post('/api/mqtt/emqx/authn', async (request, response) => {
    checkCaller(request, response);
    const login = fields(request.body, ['clientid', 'username', 'password'] as const);
    // Never a superuser: every client's topics go through the authorization below.
    response.json({ result: await authenticate(context, login), is_superuser: false });
  });

  router.post('/api/mqtt/emqx/authz', async (request, response) => {
    checkCaller(request, response);
    const asked = fields(request.body, ['clientid', 'username', 'topic', 'action'] as const);
    response.json({ result: await authorize(context, asked) });
  });
  return router;
}

/** The endpoints' settings from the configuration. */
export function emqxAuthSettings(config: Config): EmqxAuthSettings {
  return {
    sharedSecret: config.emqxAuthSecret,
    ...(config.mqttUsername
      ? { configuredService: { username: config.mqttUsername, password: config.mqttPassword ?? '' } }
      : {}),
  };
}
