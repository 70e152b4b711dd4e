import {
  pointInPolygon,
  type AuditVerification,
  type CaseView,
  type IssuedPasswordView,
  type PersonView,
  type RegionAdminView,
} from '@gridsense/core';
import { findGridOverlaps } from '@gridsense/core/grid-overlap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { auditOf as auditEntries, signIn as signInAs, startWithAdminClients } from './harness/admin-clients';
import { registerAutomatically } from './harness/auto-register';
import type { ApiClient, TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

/**
 * The demo district (120.15–120.19 E, 30.24–30.27 N) is tiled by its grids, so a new grid needs
 * room: 柳翠社区 (C4, 120.17–120.19 E, 30.24–30.255 N) gives the east of its third grid up.
 */
const ROOM_WEST = 120.187;
/** The south-east corner of 柳翠社区, in the room G12 gives up. */
const NEW_GRID_RING: [number, number][] = [
  [ROOM_WEST, 30.24],
  [120.19, 30.24],
  [120.19, 30.245],
  [ROOM_WEST, 30.245],
  [ROOM_WEST, 30.24],
];
/** East of the demo district, outside every community, street and the district itself. */
const EAST_OF_DISTRICT: [number, number][] = [
  [120.19, 30.24],
  [120.2, 30.24],
  [120.2, 30.25],
  [120.19, 30.25],
  [120.19, 30.24],
];
const IN_NEW_GRID = { lat: 30.2425, lng: 120.1885 };
const feature = (ring: unknown, properties: Record<string, unknown> = {}) => ({
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [ring] } }],
});
const report = (lat: number, lng: number) => ({
  title: '路灯损坏',
  description: '新建小区门口路灯不亮',
  category: 'facility',
  subcategory: 'facility.manhole',
  caseType: 'facility.manhole.missing',
  severity: 'warning',
  location: { lat, lng },
  photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
});

describe.each(stateDialects())(
  'grids, people and duties API: roles, validation, audit and routing (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    let op: ApiClient;
    let eng: ApiClient;
    let worker: ApiClient;

    const signIn = (username: string, password: string) => signInAs(env, username, password);
    const auditOf = (entityType: string, entityId: string) => auditEntries(admin, entityType, entityId);

    beforeAll(async () => {
      // Ingest on this thread: a test below asks the rule engine itself whether a new grid is in scope.
      ({ env, admin, op, eng, worker } = await startWithAdminClients(
        'worker01',
        {
          GRIDSENSE_INGEST_THREADS: '0',
        },
        dialect,
      ));
      // Routing to new grids and people is the subject: 市政设施 reports are registered as filed.
      await registerAutomatically(admin, 'facility');
    });
    afterAll(async () => env?.stop());

    it('is for administrators only', async () => {
      for (const client of [op, eng, worker]) {
        expect((await client.call<ErrorBody>('GET', '/api/admin/regions')).body.error.code).toBe('forbidden');
        expect((await client.call('GET', '/api/admin/people')).status).toBe(403);
        expect((await client.call('POST', '/api/admin/people', {})).status).toBe(403);
        expect((await client.call('PUT', '/api/admin/regions/G01/boundary', {})).status).toBe(403);
        expect((await client.call('PUT', '/api/admin/regions/G01/duties/primary', {})).status).toBe(403);
      }
    });

    it('lists the hierarchy with each grid on-duty workers, and people without password hashes', async () => {
      const regions = (await admin.call<RegionAdminView[]>('GET', '/api/admin/regions')).body;
      expect(regions.filter((r) => r.level === 'grid')).toHaveLength(12);
      expect(regions.find((r) => r.id === 'G01')).toMatchObject({
        parentId: 'C1',
        duties: [
          { userId: 'u-worker01', duty: 'primary' },
          { userId: 'u-worker02', duty: 'backup' },
        ],
      });
      const people = await admin.call<PersonView[]>('GET', '/api/admin/people');
      expect(JSON.stringify(people.body)).not.toMatch(/scrypt|password/i);
      expect(people.body.find((p) => p.username === 'worker01')).toMatchObject({
        role: 'grid_worker',
        regionId: 'G01',
        enabled: true,
        duties: [{ gridId: 'G01', duty: 'primary' }],
      });
    });

    it('lists every problem with an imported boundary or a new grid at once', async () => {
      const open = await admin.call<ErrorBody>('PUT', '/api/admin/regions/G01/boundary', {
        boundary: feature(
          [
            [120.15, 30.24],
            [200, 30.24],
            [120.16, 30.25],
            [120.15, 30.26],
          ],
          { gridId: 'G02' },
        ),
      });
      expect(open.status).toBe(400);
      expect(open.body.error.details).toEqual([
        'boundary: the outer ring position 2 is outside WGS-84 (longitude −180…180, latitude −90…90)',
        'boundary: the feature is for grid G02, not G01',
      ]);
      const short = await admin.call<ErrorBody>('PUT', '/api/admin/regions/G01/boundary', {
        boundary: {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: [NEW_GRID_RING.slice(1, 4)] },
        },
      });
      expect(short.body.error.details).toEqual([
        'boundary: the outer ring needs at least 4 positions (it has 3)',
      ]);
      const unclosed = await admin.call<ErrorBody>('PUT', '/api/admin/regions/G01/boundary', {
        boundary: feature(NEW_GRID_RING.slice(0, 4).concat([[120.19, 30.2425]])),
      });
      expect(unclosed.body.error.details).toEqual([
        'boundary: the outer ring is not closed: its last position must repeat its first',
      ]);
      const bad = await admin.call<ErrorBody>('POST', '/api/admin/regions', {
        id: 'G01',
        name: '',
        parentId: 'S1',
        boundary: { type: 'Point', coordinates: [120, 30] },
      });
      expect(bad.body.error.details).toEqual([
        'id G01 is already a region',
        'name must be 1–100 characters',
        'parentId must be a community in your region',
        'boundary: the geometry must be a Polygon or MultiPolygon, not Point',
      ]);
      expect((await admin.call<ErrorBody>('PUT', '/api/admin/regions/C1/boundary', {})).status).toBe(404);
    });

    it('refuses a boundary that overlaps another grid or leaves its community, and names them; the demo tiles cleanly', async () => {
      const grids = (await admin.call<RegionAdminView[]>('GET', '/api/admin/regions')).body.filter(
        (r) => r.level === 'grid',
      );
      for (const grid of grids) expect(findGridOverlaps(grid.boundary!, grid.id, grids)).toEqual([]);

      // Half a kilometre either side of the district's east edge, where 柳翠社区's grids end.
      const across = EAST_OF_DISTRICT.map(([lng, lat]): [number, number] => [lng - 0.005, lat]);
      const overlapped = grids.filter((g) => pointInPolygon(120.1875, 30.245, g.boundary!));
      expect(overlapped).toHaveLength(1);
      const refused = await admin.call<ErrorBody>('POST', '/api/admin/regions', {
        id: 'G15',
        name: '越界网格',
        parentId: 'C4',
        boundary: feature(across),
      });
      expect(refused.status).toBe(400);
      const outside = (level: string, id: string, percent: string) =>
        new RegExp(
          `^boundary: lies outside ${level} ${id} \\(.+\\) by [\\d,]+ m² \\(${percent} % of the grid\\)$`,
        );
      const half = refused.body.error.details!;
      expect(half).toHaveLength(4);
      expect(half[0]).toMatch(outside('community', 'C4', '50\\.0'));
      expect(half[1]).toMatch(outside('street', 'S2', '50\\.0'));
      expect(half[2]).toMatch(outside('district', 'D1', '50\\.0'));
      expect(half[3]).toMatch(
        /^boundary: overlaps grid (\S+) \(.+\) by [\d,]+ m² \(\d+\.\d % of the smaller grid\)$/,
      );
      expect(half[3]).toContain(`grid ${overlapped[0]!.id} (${overlapped[0]!.name})`);

      // Wholly outside: its community's bounding box does not even meet it. A new grid and an
      // import are refused alike.
      const wholly = [
        outside('community', 'C1', '100\\.0'),
        outside('street', 'S1', '100\\.0'),
        outside('district', 'D1', '100\\.0'),
      ];
      const away = await admin.call<ErrorBody>('POST', '/api/admin/regions', {
        id: 'G15',
        name: '飞地网格',
        parentId: 'C1',
        boundary: feature(EAST_OF_DISTRICT),
      });
      expect(away.status).toBe(400);
      expect(away.body.error.details).toEqual(wholly.map((pattern) => expect.stringMatching(pattern)));
      const moved = await admin.call<ErrorBody>('PUT', '/api/admin/regions/G01/boundary', {
        boundary: feature(EAST_OF_DISTRICT),
      });
      expect(moved.body.error.details).toEqual(wholly.map((pattern) => expect.stringMatching(pattern)));

      // The console's dry run answers the same before anything is saved, for an import and a new grid.
      const check = (draft: object) =>
        admin.call<ErrorBody>('POST', '/api/admin/regions/boundary/check', draft);
      const importDraft = await check({ gridId: 'G01', boundary: feature(EAST_OF_DISTRICT) });
      expect(importDraft.status).toBe(400);
      expect(importDraft.body.error.details).toEqual(moved.body.error.details);
      const newDraft = await check({ gridId: 'G15', parentId: 'C4', boundary: feature(across) });
      expect(newDraft.body.error.details).toEqual(half);
      const own = await check({
        gridId: 'G01',
        boundary: { type: 'Polygon', coordinates: grids.find((g) => g.id === 'G01')!.boundary!.coordinates },
      });
      expect(own.status).toBe(200);
      expect((await check({ gridId: 'G01' })).body.error.details).toEqual([
        'boundary is required: a GeoJSON Feature or FeatureCollection with a Polygon',
      ]);

      // Moving an existing grid onto its neighbour is refused the same way, and changes nothing.
      const [first, second] = grids;
      const onto = await admin.call<ErrorBody>('PUT', `/api/admin/regions/${first!.id}/boundary`, {
        boundary: { type: 'Polygon', coordinates: second!.boundary!.coordinates },
      });
      expect(onto.body.error.details).toEqual([expect.stringContaining(`overlaps grid ${second!.id}`)]);
      const after = (await admin.call<RegionAdminView[]>('GET', '/api/admin/regions')).body;
      expect(after.some((r) => r.id === 'G15')).toBe(false);
      expect(after.find((r) => r.id === first!.id)?.boundary).toEqual(first!.boundary);
    });

    it('creates a grid and a worker, makes them primary, and routes a patrol report there at once', async () => {
      const g12 = (await admin.call<RegionAdminView[]>('GET', '/api/admin/regions')).body.find(
        (r) => r.id === 'G12',
      )!;
      const corners = g12.boundary!.coordinates[0]!;
      const [west, south] = corners[0]!;
      const north = corners[2]![1];
      const shrunk: [number, number][] = [
        [west, south],
        [ROOM_WEST, south],
        [ROOM_WEST, north],
        [west, north],
        [west, south],
      ];
      const gaveRoom = await admin.call('PUT', '/api/admin/regions/G12/boundary', {
        boundary: feature(shrunk),
      });
      expect(gaveRoom.status).toBe(200);
      const nowhere = await op.call<ErrorBody>(
        'POST',
        '/api/cases/reports',
        report(IN_NEW_GRID.lat, IN_NEW_GRID.lng),
      );
      expect(nowhere.status).toBe(400);

      const grid = await admin.call<RegionAdminView>('POST', '/api/admin/regions', {
        id: 'G13',
        name: '柳翠社区第4网格',
        parentId: 'C4',
        boundary: {
          type: 'Feature',
          properties: { gridId: 'G13' },
          geometry: { type: 'MultiPolygon', coordinates: [[NEW_GRID_RING]] },
        },
      });
      expect(grid.status).toBe(201);
      expect(grid.body).toMatchObject({ id: 'G13', level: 'grid', parentId: 'C4', duties: [] });
      expect(grid.body.boundary?.type).toBe('Polygon');

      const bad = await admin.call<ErrorBody>('POST', '/api/admin/people', {
        username: 'a b',
        displayName: '',
        role: 'grid_worker',
        regionId: 'C4',
      });
      expect(bad.body.error.details).toEqual([
        'username must be 2–32 of A-Z a-z 0-9 _ . -',
        'displayName must be 1–50 characters',
        'regionId must be a grid for a grid worker',
      ]);
      const taken = await admin.call<ErrorBody>('POST', '/api/admin/people', {
        username: 'worker01',
        displayName: 'x',
        role: 'handler',
        regionId: 'D1',
      });
      expect(taken.body.error.details).toEqual([
        'username worker01 is taken',
        'departmentId must be a department for a department handler',
      ]);

      const created = await admin.call<IssuedPasswordView>('POST', '/api/admin/people', {
        username: 'worker25',
        displayName: '网格员 新人',
        role: 'grid_worker',
        regionId: 'G13',
      });
      expect(created.status).toBe(201);
      expect(created.body.password).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(JSON.stringify(created.body.person)).not.toMatch(/scrypt/);
      expect((await signIn('worker25', created.body.password)).status).toBe(200);

      const notWorker = await admin.call<ErrorBody>('PUT', '/api/admin/regions/G13/duties/middle', {
        userId: 'u-op1',
      });
      expect(notWorker.body.error.details).toEqual([
        'duty must be primary or backup',
        'userId must be a grid worker',
      ]);
      const duty = await admin.call<PersonView[]>('PUT', '/api/admin/regions/G13/duties/primary', {
        userId: 'u-worker25',
      });
      expect(duty.body.map((p) => p.id)).toEqual(['u-worker25']);

      const filed = await op.call<{ case: CaseView }>(
        'POST',
        '/api/cases/reports',
        report(IN_NEW_GRID.lat, IN_NEW_GRID.lng),
      );
      expect(filed.status).toBe(201);
      expect(filed.body.case).toMatchObject({ gridId: 'G13', assigneeId: 'u-worker25' });

      const actions = (await auditOf('region', 'G13')).map((e) => e.action);
      expect(actions).toEqual(['admin.region_created', 'admin.grid_duty_set']);
      const personAudit = await auditOf('user', 'u-worker25');
      expect(personAudit.map((e) => e.action)).toEqual(['admin.person_created']);
      expect(JSON.stringify(personAudit)).not.toMatch(/scrypt|password/i);
      expect(personAudit[0]).toMatchObject({ actorId: 'u-admin' });
    });

    it('tells the rule engine of the new grid: a rule over its community applies to its devices', async () => {
      // Made before G14 exists, so the engine's own reload on rules.changed cannot have seen it.
      const rule = await eng.call('POST', '/api/rules', {
        kind: 'threshold',
        id: 'c4-noise',
        name: '柳翠社区噪声',
        category: 'public_order',
        deviceType: 'noise',
        metric: 'noise_db',
        bands: [{ severity: 'warning', above: 85 }],
        clearAtOrBelow: 70,
        scope: { regionIds: ['C4'] },
      });
      expect(rule.status).toBe(201);
      const ring = NEW_GRID_RING.map(([lng, lat]) => [lng, lat + 0.01]); // the room's north end
      const grid = await admin.call('POST', '/api/admin/regions', {
        id: 'G14',
        name: '柳翠新区二',
        parentId: 'C4',
        boundary: feature(ring, { gridId: 'G14' }),
      });
      expect(grid.status).toBe(201);
      const loud = { deviceId: 'noise-G14-1', gridId: 'G14', deviceType: 'noise', ts: Date.now() };
      const rules = env.platform.ingest.rules;
      if (!rules) throw new Error('the rule engine runs in the ingest worker');
      const fired = async () =>
        rules.evaluateReading({ ...loud, metrics: { noise_db: 95 } }).filter((s) => s.ruleId === 'c4-noise');
      await expect.poll(async () => (await fired()).length).toBe(1);
    });

    it('moves a boundary for routing at once, and keeps the old one in the audit entry', async () => {
      // Into the middle of the room, between G13's old place and G14.
      const moved = NEW_GRID_RING.map(([lng, lat]): [number, number] => [lng, lat + 0.005]);
      const saved = await admin.call<RegionAdminView>('PUT', '/api/admin/regions/G13/boundary', {
        boundary: feature(moved, { grid_id: 'G13' }),
      });
      expect(saved.status).toBe(200);
      const { lat, lng } = IN_NEW_GRID;
      expect((await op.call('POST', '/api/cases/reports', report(lat, lng))).status).toBe(400);
      const there = await op.call<{ case: CaseView }>('POST', '/api/cases/reports', report(lat + 0.005, lng));
      expect(there.body.case.gridId).toBe('G13');
      const entry = (await auditOf('region', 'G13')).at(-1)!;
      expect(entry).toMatchObject({
        action: 'admin.region_boundary_set',
        data: { boundary: { coordinates: [moved] }, previous: { coordinates: [NEW_GRID_RING] } },
      });
    });

    it('changes role and scope, disables a person (no sign-in, no routing) and audits it all', async () => {
      const self = await admin.call<ErrorBody>('POST', '/api/admin/people/u-admin/disable');
      expect(self.body.error.details).toEqual(['you cannot disable your own account']);
      const badScope = await admin.call<ErrorBody>('PATCH', '/api/admin/people/u-worker02', {
        regionId: 'C1',
      });
      expect(badScope.body.error.details).toEqual(['regionId must be a grid for a grid worker']);
      const moved = await admin.call<PersonView>('PATCH', '/api/admin/people/u-sup1', { regionId: 'S1' });
      expect(moved.body).toMatchObject({ regionId: 'S1', role: 'supervisor' });

      const disabled = await admin.call<PersonView>('POST', '/api/admin/people/u-worker01/disable');
      expect(disabled.body.enabled).toBe(false);
      expect((await signIn('worker01', 'test-password-1')).status).toBe(401);
      expect((await worker.call('GET', '/api/me')).status).toBe(401);
      // The backup takes the next report in G01.
      const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/reports', report(30.262, 120.155));
      expect(filed.body.case).toMatchObject({ gridId: 'G01', assigneeId: 'u-worker02' });
      await admin.call('POST', '/api/admin/people/u-worker01/enable');
      expect((await signIn('worker01', 'test-password-1')).status).toBe(200);

      const promoted = await admin.call<PersonView>('PATCH', '/api/admin/people/u-worker24', {
        role: 'supervisor',
      });
      expect(promoted.body).toMatchObject({ role: 'supervisor', duties: [] });
      expect((await auditOf('user', 'u-worker01')).map((e) => e.action)).toEqual([
        'admin.person_disabled',
        'admin.person_enabled',
      ]);
      expect((await auditOf('user', 'u-worker24'))[0]).toMatchObject({
        action: 'admin.person_updated',
        data: { role: 'supervisor', endsDuties: true },
      });
      expect((await admin.call<AuditVerification>('GET', '/api/audit/verify')).body.ok).toBe(true);
    });
  },
);
