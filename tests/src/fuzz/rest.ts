import { ERROR_STATUS } from '@gridsense/core';
import { createWebApp, type WebDeps } from '@gridsense/web';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { TargetDown, type EntryPoint } from './runner';
import { sessionHeaders, type FuzzTarget } from './target';

export interface Route {
  method: string;
  path: string;
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/**
 * Every route of the built Express app, found by walking its router stack. The route factories
 * only close over their dependencies, so a stand-in that has none is enough to build the app.
 */
export function listRoutes(): Route[] {
  const deps = new Proxy({} as WebDeps, {
    get: (_target, key) => (key === 'dataDir' ? tmpdir() : key === 'now' ? Date.now : undefined),
  });
  const { app } = createWebApp(deps);
  const routes: Route[] = [];
  const walk = (stack: RouterLayer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const method of Object.keys(layer.route.methods))
          routes.push({ method: method.toUpperCase(), path: layer.route.path });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
  return routes;
}

/** Field names the API reads somewhere, so generated bodies reach past the first check. */
const FIELD_NAMES = `
  action note photos reason reasonCode username password newPassword role name displayName gridId
  deviceId regionId parentId type id version kind severity category subcategory caseType assigneeId
  coHandlerIds departmentId satisfaction location lat lon description phone endpoint keys p256dh
  auth enabled boundary coordinates shift scopeKind scopeId start end days holidays workdays
  conditions metric op threshold forMs scope level userId from to windowMs caseId title address
  requester channel url secret priority match lead coHandlers accept arrive resolve hours rule
  rules expression duration labels grids text suggested
`
  .trim()
  .split(/\s+/);

const QUERY_KEYS = `
  scope from to regionId entityType entityId afterSeq limit channel kind caseId online gridId type
  metric windowMs agg state supervised
`
  .trim()
  .split(/\s+/);

/** Strings that have broken parsers before: encodings, sizes, numbers in disguise. */
const AWKWARD_STRINGS = [
  '',
  ' ',
  '%',
  '%E0%A4%A',
  '%00',
  '..',
  '../..',
  '__proto__',
  'constructor',
  'toString',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  'null',
  'true',
  '[]',
  '{}',
  '\u0000',
  '\uD800',
  '網格',
  'a'.repeat(300),
] as const;

interface Request {
  route: Route;
  as: 'admin' | 'worker';
  method: string | null;
  params: string[];
  rawParams: boolean;
  query: [string, string][];
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'text'; type: string; text: string };
}

/** Known ids of things the fuzzer may touch, and what the API sends back (bodies to mutate). */
interface Corpus {
  ids: string[];
  objects: Record<string, unknown>[];
}

async function gatherCorpus(target: FuzzTarget): Promise<Corpus> {
  const get = async (path: string, session = target.sessions.admin) => {
    const response = await fetch(`${target.baseUrl}${path}`, { headers: sessionHeaders(session) });
    return response.ok ? ((await response.json()) as unknown) : undefined;
  };
  const me = await Promise.all(
    [target.sessions.admin, target.sessions.worker].map(async (session) => {
      const answer = (await get('/api/me', session)) as { id?: string; user?: { id?: string } } | undefined;
      return answer?.id ?? answer?.user?.id;
    }),
  );
  const ids = new Set<string>(target.otherDevices.map((d) => d.id));
  const objects: Record<string, unknown>[] = [];
  for (const path of [
    '/api/cases?scope=all',
    '/api/rules',
    '/api/admin/people',
    '/api/admin/regions',
    '/api/admin/rosters',
    '/api/admin/channels',
    '/api/admin/dispatch-rules',
    '/api/case-config',
  ]) {
    const answer = await get(path);
    const list = Array.isArray(answer)
      ? answer
      : answer && typeof answer === 'object'
        ? Object.values(answer)
        : [];
    for (const item of list.flat()) {
      if (typeof item !== 'object' || item === null) continue;
      const record = item as Record<string, unknown>;
      for (const key of ['id', 'key', 'category', 'gridId', 'regionId'])
        if (typeof record[key] === 'string' || typeof record[key] === 'number') ids.add(String(record[key]));
      if (objects.length < 200) objects.push(record);
    }
  }
  // The fuzzer's own people keep their passwords, roles and access.
  for (const id of me) if (id) ids.delete(id);
  return { ids: [...ids], objects };
}

function requests(routes: Route[], corpus: Corpus): fc.Arbitrary<Request> {
  const known = fc.constantFrom(...corpus.ids, 'critical', 'major', 'minor', 'info', 'grid', 'primary');
  const text = fc.oneof(
    { weight: 4, arbitrary: known },
    { weight: 2, arbitrary: fc.constantFrom(...AWKWARD_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  );
  const leaf = fc.oneof(
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const field = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) },
    { weight: 1, arbitrary: fc.string() },
  );
  const edited = corpus.objects.length
    ? fc
        .tuple(
          fc.constantFrom(...corpus.objects),
          fc.array(fc.tuple(field, fc.option(value)), { maxLength: 4 }),
        )
        .map(([object, edits]) => {
          const copy: Record<string, unknown> = structuredClone(object);
          // An edit of `null` removes the field; anything else replaces it.
          for (const [key, v] of edits)
            if (v === null) delete copy[key];
            else copy[key] = v;
          return copy as unknown;
        })
    : fc.constant<unknown>({});
  const body: fc.Arbitrary<Request['body']> = fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 4,
      arbitrary: fc
        .dictionary(field, value, { maxKeys: 6 })
        .map((v) => ({ kind: 'json' as const, value: v })),
    },
    { weight: 4, arbitrary: edited.map((v) => ({ kind: 'json' as const, value: v })) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => ({ kind: 'json' as const, value: v })) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        type: fc.constantFrom(
          'application/json',
          'text/plain',
          'application/json; charset=latin9',
          'image/png',
        ),
        text: fc.string({ unit: 'binary', maxLength: 200 }),
      }),
    },
  );
  const request = fc.record({
    route: fc.constantFrom(...routes),
    as: fc.constantFrom('admin' as const, 'worker' as const),
    method: fc.oneof(
      { weight: 9, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
    ),
    params: fc.array(text, { minLength: 3, maxLength: 3 }),
    rawParams: fc.boolean(),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string()), text), { maxLength: 4 }),
    body,
  });
  // Signing out would end the very sessions the fuzzer sends everything else with.
  return request.filter(
    (r) => !((r.method ?? r.route.method) === 'DELETE' && r.route.path === '/api/session'),
  );
}

/** `encodeURIComponent` throws on a lone surrogate; the API would only see U+FFFD for it anyway. */
const encode = (text: string) =>
  encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

/** The URL path of `request`: its route with the params filled in (encoded, or not quite). */
function pathOf(request: Request): string {
  let index = 0;
  const path = request.route.path.replace(/:(\w+)/g, () => {
    const param = request.params[index++] ?? '';
    // Raw: `%`, `/`, `?` and `#` as they are, so the router sees undecodable and split params too.
    return request.rawParams ? param : encode(param);
  });
  const query = request.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return query ? `${path}?${query}` : path;
}

const CODES = new Set(Object.keys(ERROR_STATUS));

function errorCode(answer: string): string | undefined {
  try {
    return (JSON.parse(answer) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/**
 * (a) REST: generated JSON and non-JSON bodies, query strings and path params for every route of
 * the app, as an administrator and as a grid worker. Every answer must be < 500, and an API error
 * must carry one of the error codes.
 */
export async function restEntryPoint(target: FuzzTarget): Promise<EntryPoint<Request[]>> {
  const routes = listRoutes();
  const corpus = await gatherCorpus(target);

  const sendOne = async (request: Request): Promise<void> => {
    const method = request.method ?? request.route.method;
    const path = pathOf(request);
    const headers = sessionHeaders(target.sessions[request.as]);
    let body: string | undefined;
    if (request.body.kind === 'json') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body.value);
    } else if (request.body.kind === 'text') {
      headers['content-type'] = request.body.type;
      body = request.body.text;
    }
    const sent = `${method} ${path} ${body === undefined ? '' : body.slice(0, 500)}`;
    let response: Response;
    try {
      response = await fetch(`${target.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      });
    } catch (error) {
      const up = await fetch(`${target.baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) throw new TargetDown(String(error));
      throw new Error(`${sent}: no answer (${String(error)})`);
    }
    const answer = await response.text();
    if (response.status >= 500)
      throw new Error(`${sent}: answered ${response.status} ${answer.slice(0, 300)}`);
    // The URL as sent: `..` in a raw param may have taken it out of /api.
    if (response.status >= 400 && new URL(response.url).pathname.startsWith('/api/')) {
      if (!CODES.has(errorCode(answer) ?? ''))
        throw new Error(`${sent}: ${response.status} without an error code: ${answer.slice(0, 300)}`);
    }
  };

  return {
    lanes: 4,
    cases: fc.array(requests(routes, corpus), { minLength: 1, maxLength: 12, size: 'max' }),
    async send(batch) {
      await Promise.all(batch.map(sendOne));
      return batch.length;
    },
  };
}
