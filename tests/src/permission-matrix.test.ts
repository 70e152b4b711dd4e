import {
  PERMISSIONS,
  polygonCentroid,
  type Action,
  type CaseView,
  type ErrorBody,
  type Role,
} from '@gridsense/core';
import { PUBLIC, ROUTE_ACTIONS, routeAction } from '@gridsense/web';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportPass } from '@gridsense/alerts';
import { listRegions, listReports, saveDetectedWarnings } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * The permission matrix, generated from the app itself: every route of the Express app has a
 * declared action; every role gets 403 where the table refuses it and something else where it
 * allows it; and every route that takes a resource answers an id outside the caller's region
 * with 403 or 404 and one inside with neither. Demo district: G01 lies in C1 (community) in S1
 * (street); G07 in C3 in S2 is "elsewhere".
 */

interface Route {
  method: string;
  path: string;
}

/** Every route in the app's router stack, routers included, in mount order. */
function routesOf(app: Express): Route[] {
  interface Layer {
    route?: { path: unknown; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const routes: Route[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const method of Object.keys(layer.route.methods))
          routes.push({ method: method.toUpperCase(), path: String(layer.route.path) });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

const key = (route: Route) => `${route.method} ${route.path}`;

/** The demo people the matrix signs in as, one per role. */
const PEOPLE: Record<Role, string> = {
  admin: 'admin',
  operator: 'op1',
  supervisor: 'sup1',
  engineer: 'eng1',
  grid_worker: 'worker01',
  handler: 'fire1',
};

/** Routes not called in the role matrix: they would end the caller's session. */
const NOT_CALLED = new Set(['DELETE /api/session']);
/**
 * Bodies for the role matrix where the scope check's would go further than the route's action:
 * which moves a role may make on a case is the case state machine's (`CASE_MOVES`, table-tested
 * in core), so the matrix sends a move the route itself refuses as invalid.
 */
const ROLE_BODIES: Record<string, unknown> = {
  'POST /api/cases/:id/actions': {},
  // 协办: who may add and move sub-tasks on a case is the service's and the sub-task table's.
  'POST /api/cases/:id/subtasks': {},
  'POST /api/cases/:id/subtasks/:subtaskId/actions': {},
  // 好差评: which side a person may rate is the service's and the rating rule's (core).
  'POST /api/cases/:id/subtasks/:subtaskId/rating': {},
};

type Kind =
  | 'case'
  | 'grid'
  | 'device'
  | 'rule'
  | 'person'
  | 'channel'
  | 'dispatchRule'
  | 'roster'
  | 'warning'
  | 'report'
  | 'place'
  /** A second place inside, for the route that deletes one. */
  | 'placeSpare';
type Fixture = Record<Kind, { inside: string; outside: string }>;
/** Narrowed people made for the scope checks (an engineer and an administrator of street S1). */
type Caller = 'sup1' | 'engS1' | 'adminS1';

const threshold = (id: string, regionId: string) => ({
  kind: 'threshold',
  id,
  name: `noise ${id}`,
  category: 'public_order',
  deviceType: 'noise',
  metric: 'noise_db',
  bands: [{ severity: 'warning', above: 85 }],
  clearAtOrBelow: 70,
  scope: { regionIds: [regionId] },
});
const channel = (id: string, regionId: string) => ({
  id,
  kind: 'webhook',
  name: id,
  url: 'https://example.org/hook',
  regionId,
  minSeverity: 'warning',
  kinds: ['opened'],
  enabled: true,
});
const dispatchRule = (id: string, regionId: string) => ({
  id,
  match: 'flood',
  regionId,
  lead: { kind: 'grid_duty' },
  coHandlers: [],
  enabled: true,
  note: '',
});

/**
 * Each route that takes a resource: what kind of id, who asks (someone whose region holds the
 * inside fixture but not the outside one), and a body that passes the route's own validation.
 */
const SCOPED: Record<string, { kind: Kind; as: Caller; body?: (id: string, inside: boolean) => unknown }> = {
  'GET /api/cases/:id': { kind: 'case', as: 'sup1' },
  'GET /api/cases/:id/requesters': { kind: 'case', as: 'sup1' },
  'GET /api/cases/:id/contacts': { kind: 'case', as: 'sup1' },
  'POST /api/cases/:id/actions': {
    kind: 'case',
    as: 'sup1',
    body: () => ({ action: 'escalate', reason: '核查' }),
  },
  // Merging a case into itself passes the route and the scope check, then fails as invalid (400).
  'POST /api/cases/:id/merge': { kind: 'case', as: 'sup1', body: (id) => ({ caseId: id }) },
  'GET /api/cases/:id/merge-candidates': { kind: 'case', as: 'sup1' },
  // A split into an unknown category passes the route and the scope check, then fails as invalid (400).
  'POST /api/cases/:id/split': {
    kind: 'case',
    as: 'sup1',
    body: () => ({
      title: '另一事项',
      description: '同一来电的另一件事',
      category: 'nowhere',
      severity: 'info',
    }),
  },
  'GET /api/cases/:id/subtasks': { kind: 'case', as: 'sup1' },
  'POST /api/cases/:id/subtasks': {
    kind: 'case',
    as: 'sup1',
    body: () => ({ assigneeId: 'u-cgj1', task: '核查' }),
  },
  // The sub-task id 'x' is refused as invalid (400) once the case is found visible.
  'POST /api/cases/:id/subtasks/:subtaskId/actions': {
    kind: 'case',
    as: 'sup1',
    body: () => ({ action: 'accept' }),
  },
  // The sub-task id 'x' is refused as invalid (400) once the case is found visible.
  'POST /api/cases/:id/subtasks/:subtaskId/rating': {
    kind: 'case',
    as: 'sup1',
    body: () => ({ side: 'lead', grade: 'good' }),
  },
  'GET /api/grids/:id/people': { kind: 'grid', as: 'sup1' },
  'GET /api/grids/:id/series': { kind: 'grid', as: 'sup1' },
  'GET /api/devices/:id': { kind: 'device', as: 'sup1' },
  'GET /api/devices/:id/series': { kind: 'device', as: 'sup1' },
  'POST /api/devices/:id/secret': { kind: 'device', as: 'engS1' },
  'POST /api/devices/:id/enable': { kind: 'device', as: 'engS1' },
  'POST /api/devices/:id/disable': { kind: 'device', as: 'engS1' },
  'GET /api/rules/:id': { kind: 'rule', as: 'sup1' },
  'PUT /api/rules/:id': {
    kind: 'rule',
    as: 'engS1',
    body: (id, inside) => ({ version: 1, rule: threshold(id, inside ? 'G01' : 'S2') }),
  },
  'POST /api/rules/:id/enable': { kind: 'rule', as: 'engS1', body: () => ({ version: 1 }) },
  'POST /api/rules/:id/disable': { kind: 'rule', as: 'engS1', body: () => ({ version: 1 }) },
  'POST /api/rules/:id/rollback': { kind: 'rule', as: 'engS1', body: () => ({ toVersion: 1, version: 1 }) },
  'PUT /api/admin/dispatch-rules/:id': {
    kind: 'dispatchRule',
    as: 'adminS1',
    body: (id) => dispatchRule(id, 'C1'),
  },
  'DELETE /api/admin/dispatch-rules/:id': { kind: 'dispatchRule', as: 'adminS1' },
  'DELETE /api/admin/rosters/:id': { kind: 'roster', as: 'adminS1' },
  'PUT /api/admin/channels/:id': { kind: 'channel', as: 'adminS1', body: (id) => channel(id, 'C1') },
  'DELETE /api/admin/channels/:id': { kind: 'channel', as: 'adminS1' },
  'PUT /api/admin/regions/:id/boundary': { kind: 'grid', as: 'adminS1' },
  'PUT /api/admin/regions/:id/duties/:duty': { kind: 'grid', as: 'adminS1' },
  'PATCH /api/admin/people/:id': { kind: 'person', as: 'adminS1' },
  'POST /api/admin/people/:id/password': { kind: 'person', as: 'adminS1' },
  'POST /api/admin/people/:id/totp/reset': { kind: 'person', as: 'adminS1' },
  'POST /api/admin/people/:id/enable': { kind: 'person', as: 'adminS1' },
  'POST /api/admin/people/:id/disable': { kind: 'person', as: 'adminS1' },
  'GET /api/admin/people/:id/contacts': { kind: 'person', as: 'adminS1' },
  'GET /api/reports/:id': { kind: 'report', as: 'adminS1' },
  'GET /api/reports/:id/csv': { kind: 'report', as: 'adminS1' },
  'GET /api/reports/:id/pdf': { kind: 'report', as: 'adminS1' },
  'POST /api/warnings/:id/acknowledge': { kind: 'warning', as: 'sup1', body: () => ({ note: '已知' }) },
  'POST /api/warnings/:id/case': { kind: 'warning', as: 'sup1', body: () => ({ title: '预警转案件' }) },
  'GET /api/places/:id': { kind: 'place', as: 'sup1' },
  // An empty check-in passes the scope check and fails as invalid (400).
  'POST /api/places/:id/inspections': { kind: 'place', as: 'sup1' },
  'PUT /api/admin/places/:id': { kind: 'place', as: 'adminS1' },
  'PUT /api/admin/places/:id/devices': { kind: 'place', as: 'adminS1', body: () => ({ deviceIds: [] }) },
  'DELETE /api/admin/places/:id': { kind: 'placeSpare', as: 'adminS1' },
  'PUT /api/admin/people/:id/contacts': {
    kind: 'person',
    as: 'adminS1',
    body: () => ({ phone: '13800001111', dingtalkUserId: null, wecomUserId: null }),
  },
};

/** Routes with a parameter that is not a region's resource, and why. */
const NOT_REGIONAL: Record<string, string> = {
  'GET /api/photos/:name': 'a photo is readable along the cases that use it (photos-api test)',
  'PUT /api/admin/categories/:key': 'the taxonomy is district-wide: a district administrator’s',
  'PUT /api/admin/slas/:category/:severity': 'deadlines are district-wide: a district administrator’s',
};

const OTHER_PARAMS: Record<string, string> = {
  duty: 'primary',
  name: '00000000-0000-4000-8000-000000000000.png',
  key: 'fire_safety',
  category: 'fire_safety',
  severity: 'critical',
};

function pathFor(route: Route, id: string | undefined): string {
  return route.path.replace(/:(\w+)/g, (_match, name: string) =>
    encodeURIComponent(name === 'id' ? (id ?? 'G01') : (OTHER_PARAMS[name] ?? 'x')),
  );
}

describe.each(stateDialects())('permission matrix (%s)', (dialect) => {
  let env: TestPlatform;
  let routes: Route[];
  const clients = {} as Record<Role, ApiClient>;
  const narrowed = {} as Record<Caller, ApiClient>;
  const fixture = {} as Fixture;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    routes = routesOf(env.platform.webApp);
    for (const [role, username] of Object.entries(PEOPLE)) clients[role as Role] = await env.login(username);
    const { admin, engineer, operator } = clients;

    // An engineer and an administrator of street S1 only (demo people given a new role and region).
    for (const [username, role] of [
      ['op2', 'engineer'],
      ['street2', 'admin'],
    ] as const)
      expect(
        (await admin.call('PATCH', `/api/admin/people/u-${username}`, { role, regionId: 'S1' })).status,
      ).toBe(200);
    narrowed.sup1 = clients.supervisor;
    narrowed.engS1 = await env.login('op2');
    narrowed.adminS1 = await env.login('street2');

    const hotline = async (gridId: string) =>
      (
        await operator.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
          title: '地下车库入口积水',
          description: '暴雨后车库入口积水',
          category: 'flood',
          severity: 'warning',
          gridId,
          callerName: '周平',
          callerPhone: '13900002222',
        })
      ).body.case.id;
    const person = async (username: string, regionId: string) => {
      const made = await admin.call<{ person: { id: string } }>('POST', '/api/admin/people', {
        username,
        displayName: username,
        role: 'grid_worker',
        regionId,
      });
      expect(made.status).toBe(201);
      return made.body.person.id;
    };
    const roster = async (gridId: string, userId: string) => {
      const made = await admin.call<{ id: number }>('POST', '/api/admin/rosters', {
        scopeKind: 'grid',
        scopeId: gridId,
        userId,
        duty: 'primary',
        weekdays: [1, 2, 3, 4, 5],
        startMinute: 480,
        endMinute: 1020,
      });
      expect(made.status).toBe(201);
      return String(made.body.id);
    };
    for (const [id, regionId] of [
      ['perm-in', 'G01'],
      ['perm-out', 'S2'],
    ] as const) {
      expect((await engineer.call('POST', '/api/rules', threshold(id, regionId))).status).toBe(201);
      expect((await admin.call('PUT', `/api/admin/channels/${id}`, channel(id, regionId))).status).toBe(200);
      expect(
        (await admin.call('PUT', `/api/admin/dispatch-rules/${id}`, dispatchRule(id, regionId))).status,
      ).toBe(200);
    }
    // Early warnings in C1 (inside sup1's region) and C3 (outside), as the alerts pass stores them.
    const state = await env.openState();
    const warning = async (regionId: string, category: string) => {
      const [stored] = await saveDetectedWarnings(state, [
        {
          kind: 'surge',
          regionId,
          category,
          place: '',
          period: 'W2026-03-02',
          detectedAt: Date.now(),
          evidence: {
            observed: 9,
            windowDays: 7,
            baseline: 2,
            baselineWindows: 8,
            pValue: 0.001,
            caseIds: [],
          },
        },
      ]);
      return String(stored!.id);
    };
    const warnings = { inside: await warning('C1', 'fire_safety'), outside: await warning('C3', 'flood') };
    // A street's reports: S1's inside the S1 administrator's region, S2's outside (the pass at start
    // made them; running it again only makes whatever it had not).
    await runReportPass(state, await listRegions(state), Date.now(), { processId: 'matrix' });
    const reportIn = async (regionId: string) =>
      String((await listReports(state, { regionIds: [regionId], limit: 1 }))[0]!.id);
    const reports = { inside: await reportIn('S1'), outside: await reportIn('S2') };
    // 重点场所 at the centres of G01 (inside S1 and C1) and G07 (outside), and a spare one to delete.
    const grids = await listRegions(state);
    const placeIn = async (gridId: string, name: string) => {
      const centre = polygonCentroid(grids.find((r) => r.id === gridId)!.boundary!);
      const made = await admin.call<{ id: string }>('POST', '/api/admin/places', {
        name,
        kind: 'shop',
        gridId,
        ...centre,
      });
      expect(made.status).toBe(201);
      return made.body.id;
    };
    const places = {
      inside: await placeIn('G01', '权限内场所'),
      outside: await placeIn('G07', '权限外场所'),
    };
    const sparePlace = await placeIn('G01', '待删除场所');
    await state.destroy();
    const deviceIn = (gridId: string) => env.devices.find((d) => d.gridId === gridId)!.id;
    Object.assign(fixture, {
      case: { inside: await hotline('G01'), outside: await hotline('G07') },
      grid: { inside: 'G01', outside: 'G07' },
      device: { inside: deviceIn('G01'), outside: deviceIn('G07') },
      rule: { inside: 'perm-in', outside: 'perm-out' },
      person: { inside: await person('perm-in', 'G01'), outside: await person('perm-out', 'G07') },
      channel: { inside: 'perm-in', outside: 'perm-out' },
      dispatchRule: { inside: 'perm-in', outside: 'perm-out' },
      roster: { inside: await roster('G01', 'u-worker01'), outside: await roster('G07', 'u-worker13') },
      warning: warnings,
      report: reports,
      place: places,
      placeSpare: { inside: sparePlace, outside: places.outside },
    } satisfies Fixture);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('every route of the app declares an action, and every declared route is mounted', () => {
    expect(routes.length).toBeGreaterThan(50);
    const undeclared = routes.filter((route) => routeAction(route.method, route.path) === undefined);
    expect(undeclared.map(key)).toEqual([]);
    const mounted = new Set(routes.map(key));
    expect(Object.keys(ROUTE_ACTIONS).filter((declared) => !mounted.has(declared))).toEqual([]);
  });

  it('every route with an id parameter has a scope check here, or a reason it has none', () => {
    const unchecked = routes.filter(
      (route) => route.path.includes('/:') && !SCOPED[key(route)] && !NOT_REGIONAL[key(route)],
    );
    expect(unchecked.map(key)).toEqual([]);
  });

  it('answers an id outside the caller’s region with 403 or 404, and one inside with neither', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const check = SCOPED[key(route)];
      if (!check) continue;
      const caller = narrowed[check.as];
      const ids = fixture[check.kind];
      for (const inside of [false, true]) {
        const id = inside ? ids.inside : ids.outside;
        const body = check.body?.(id, inside) ?? (route.method === 'GET' ? undefined : {});
        const { status } = await caller.call(route.method, pathFor(route, id), body);
        const refused = status === 403 || status === 404;
        if (refused === inside) failures.push(`${key(route)} ${check.as} ${id}: ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses each role exactly where the permission table does', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const action = routeAction(route.method, route.path);
      if (action === undefined || action === PUBLIC || NOT_CALLED.has(key(route))) continue;
      const check = SCOPED[key(route)];
      const id = check ? fixture[check.kind].inside : undefined;
      const body =
        ROLE_BODIES[key(route)] ?? check?.body?.(id!, true) ?? (route.method === 'GET' ? undefined : {});
      for (const [role, client] of Object.entries(clients)) {
        const allowed = (PERMISSIONS[action as Action].roles as readonly string[]).includes(role);
        const { status } = await client.call(route.method, pathFor(route, id), body);
        if (status === 401) failures.push(`${key(route)} ${role}: signed out (401)`);
        else if (allowed === (status === 403)) failures.push(`${key(route)} ${role}: ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers the public routes without a session', async () => {
    for (const path of ['/healthz', '/metrics'])
      expect((await fetch(`${env.baseUrl}${path}`)).status).toBe(200);
  });
});

describe.each(stateDialects())('scope holes, closed (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  let op: ApiClient;
  let sup: ApiClient;
  let worker: ApiClient;
  let engS1: ApiClient;
  let adminS1: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    admin = await env.login('admin');
    op = await env.login('op1');
    sup = await env.login('sup1');
    worker = await env.login('worker01');
    await admin.call('PATCH', '/api/admin/people/u-op2', { role: 'engineer', regionId: 'S1' });
    await admin.call('PATCH', '/api/admin/people/u-street2', { role: 'admin', regionId: 'S1' });
    engS1 = await env.login('op2');
    adminS1 = await env.login('street2');
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('an engineer writes rules only inside their region', async () => {
    expect((await engS1.call('POST', '/api/rules', threshold('s1-noise', 'C1'))).status).toBe(201);
    const outside = await engS1.call<ErrorBody>('POST', '/api/rules', threshold('s2-noise', 'S2'));
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toBe('rule s2-noise reaches outside your region');
    // A rule without a scope watches the whole district.
    const { scope: _scope, ...districtWide } = threshold('all-noise', 'D1');
    expect((await engS1.call('POST', '/api/rules', districtWide)).status).toBe(403);
    // Nor can a rule of theirs be moved out of their region, or another region's be disabled.
    const moved = await engS1.call('PUT', '/api/rules/s1-noise', {
      version: 1,
      rule: threshold('s1-noise', 'S2'),
    });
    expect(moved.status).toBe(403);
    expect((await engS1.call('POST', '/api/rules/smoke-high/disable', { version: 1 })).status).toBe(403);
    expect((await engS1.call('POST', '/api/rules/s1-noise/disable', { version: 1 })).status).toBe(200);
  });

  it('an administrator configures cases only inside their region', async () => {
    const outside = await adminS1.call<ErrorBody>(
      'PUT',
      '/api/admin/channels/s2-hook',
      channel('s2-hook', 'S2'),
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error.details).toEqual(['regionId must be a region in your scope']);
    expect((await adminS1.call('PUT', '/api/admin/channels/s1-hook', channel('s1-hook', 'C1'))).status).toBe(
      200,
    );
    // The district's own channel is neither listed to them nor theirs to overwrite.
    await admin.call('PUT', '/api/admin/channels/district-hook', channel('district-hook', 'D1'));
    const listed = await adminS1.call<{ id: string }[]>('GET', '/api/admin/channels');
    expect(listed.body.map((c) => c.id)).toEqual(['s1-hook']);
    expect(
      (await adminS1.call('PUT', '/api/admin/channels/district-hook', channel('district-hook', 'C1'))).status,
    ).toBe(404);
    expect(
      (await adminS1.call('PUT', '/api/admin/dispatch-rules/s2-flood', dispatchRule('s2-flood', 'S2')))
        .status,
    ).toBe(400);
    // District-wide: the taxonomy, deadlines, calendar and fusion settings.
    expect((await adminS1.call('PUT', '/api/admin/calendar', {})).status).toBe(403);
    expect((await adminS1.call('GET', '/api/admin/fusion')).status).toBe(403);
    expect((await adminS1.call('PUT', '/api/admin/fusion', { groups: [], suppression: [] })).status).toBe(
      403,
    );
    // The places' level rules and inspection frequency hold for the whole district too.
    const placeRules = (await admin.call<object>('GET', '/api/place-rules')).body;
    expect((await adminS1.call('PUT', '/api/admin/place-rules', placeRules)).status).toBe(403);
    expect((await admin.call('PUT', '/api/admin/place-rules', placeRules)).status).toBe(200);
    const shift = {
      scopeKind: 'grid',
      scopeId: 'G07',
      userId: 'u-worker13',
      duty: 'primary',
      weekdays: [1],
      startMinute: 0,
      endMinute: 60,
    };
    expect((await adminS1.call('POST', '/api/admin/rosters', shift)).status).toBe(400);
  });

  it('dry-runs a boundary only for a grid in the administrator’s region', async () => {
    const check = (draft: object) =>
      adminS1.call<ErrorBody>('POST', '/api/admin/regions/boundary/check', draft);
    expect((await check({ gridId: 'G07', boundary: null })).status).toBe(404);
    expect((await check({ gridId: 'G01' })).body.error.details).toEqual([
      'boundary is required: a GeoJSON Feature or FeatureCollection with a Polygon',
    ]);
  });

  it('the dispatch rule list is for administrators only', async () => {
    expect((await worker.call<ErrorBody>('GET', '/api/admin/dispatch-rules')).status).toBe(403);
    expect((await op.call<ErrorBody>('GET', '/api/admin/dispatch-rules')).status).toBe(403);
    expect((await admin.call('GET', '/api/admin/dispatch-rules')).status).toBe(200);
  });

  it('checks the people named in a body against the scope', async () => {
    const call = {
      title: '地下车库入口积水',
      description: '暴雨后车库入口积水',
      category: 'flood',
      severity: 'warning',
      gridId: 'G01',
      callerName: '周平',
      callerPhone: '13900002222',
    };
    // A hotline assignee from another street.
    const far = await sup.call<ErrorBody>('POST', '/api/cases/hotline', {
      ...call,
      assigneeId: 'u-worker13',
      overrideNote: '就近',
    });
    expect(far.status).toBe(400);
    expect(far.body.error.message).toBe("u-worker13 is outside the case's region");
    // Dispatch: the lead and the co-handlers.
    const opened = await sup.call<{ case: CaseView }>('POST', '/api/cases/hotline', call);
    const id = opened.body.case.id;
    for (const command of [
      { action: 'dispatch', assigneeId: 'u-worker13', note: '改派' },
      { action: 'dispatch', assigneeId: 'u-worker02', coHandlerIds: ['u-worker14'], note: '改派' },
    ]) {
      const refused = await sup.call<ErrorBody>('POST', `/api/cases/${id}/actions`, command);
      expect(refused.status, JSON.stringify(command)).toBe(400);
    }
    // A department handler of the district may lead a case in the grid.
    const fire = await sup.call('POST', `/api/cases/${id}/actions`, {
      action: 'dispatch',
      assigneeId: 'u-fire1',
      note: '消防协助',
    });
    expect(fire.status).toBe(200);
    // A new person's department.
    const handler = await adminS1.call<ErrorBody>('POST', '/api/admin/people', {
      username: 'fire-s1',
      displayName: '消防 S1',
      role: 'handler',
      regionId: 'S1',
      departmentId: 'dept-fire',
    });
    expect(handler.status).toBe(400);
    expect(handler.body.error.details).toEqual(['departmentId must be a department in your scope']);
  });

  it('不予立案 and 非属地 are the desk’s, over the case’s own region', async () => {
    const waiting = async (gridId: string) => {
      const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
        title: '来电反映占道经营',
        description: '早市摊位占用人行道',
        category: 'city_appearance',
        severity: 'info',
        gridId,
        callerName: '周平',
        callerPhone: '13900002222',
      });
      expect(filed.body.case.state).toBe('reported');
      return filed.body.case.id;
    };
    const [near, far] = [await waiting('G01'), await waiting('G07')];
    const decline = { action: 'decline', reason: 'other', note: '已由城管现场处理' };
    const upstream = { action: 'return_upstream', reason: 'outside_remit', note: '属市场监管' };
    for (const body of [decline, upstream]) {
      expect((await worker.call('POST', `/api/cases/${near}/actions`, body)).status).toBe(403);
      expect((await sup.call('POST', `/api/cases/${far}/actions`, body)).status).toBe(404);
    }
    const returned = await sup.call<CaseView>('POST', `/api/cases/${near}/actions`, upstream);
    expect(returned.body).toMatchObject({ state: 'closed', closeReason: 'returned_upstream' });
    const declined = await op.call<CaseView>('POST', `/api/cases/${far}/actions`, decline);
    expect(declined.body).toMatchObject({ state: 'closed', closeReason: 'declined' });
  });

  it('协办 ratings: a handler reads their own department’s, not another’s; a grid worker none', async () => {
    const fire = await env.login('fire1');
    const ratings = (client: ApiClient, query = '') => client.call('GET', `/api/cohandle-ratings${query}`);
    expect((await ratings(fire)).status).toBe(200);
    expect((await ratings(fire, '?departmentId=dept-fire')).status).toBe(200);
    expect((await ratings(fire, '?departmentId=dept-cgj')).status).toBe(403);
    expect((await ratings(fire, '?regionId=S1')).status).toBe(404);
    expect((await ratings(worker)).status).toBe(403);
    // A supervisor reads their own area's, not another street's; the district's administrator a department's.
    expect((await ratings(sup, '?regionId=G01')).status).toBe(200);
    expect((await ratings(sup, '?regionId=S2')).status).toBe(404);
    expect((await ratings(admin, '?departmentId=dept-cgj')).status).toBe(200);
  });

  it('refuses a patrol report outside the reporter’s grids', async () => {
    const report = (lat: number, lng: number, category = 'facility') => ({
      title: '井盖缺失',
      description: '人行道井盖缺失',
      category,
      severity: 'warning',
      location: { lat, lng },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
    });
    const elsewhere = await worker.call<ErrorBody>('POST', '/api/cases/reports', report(30.262, 120.173));
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.message).toBe('grid G07 is not in your region');

    // A power outage open in G02 (same community): worker01's facility report in G01 joins it,
    // and the answer names the case without showing it.
    const outage = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '小区停电',
      description: '整栋楼停电',
      category: 'power_outage',
      severity: 'warning',
      gridId: 'G02',
      callerName: '周平',
      callerPhone: '13900002222',
    });
    expect(outage.status).toBe(201);
    const joined = await worker.call<Record<string, unknown>>(
      'POST',
      '/api/cases/reports',
      report(30.262, 120.153),
    );
    expect(joined.status).toBe(201);
    expect(joined.body).toEqual({ caseId: outage.body.case.id, outcome: 'suppressed' });
    expect((await worker.call('GET', `/api/cases/${outage.body.case.id}`)).status).toBe(404);
  });
});
