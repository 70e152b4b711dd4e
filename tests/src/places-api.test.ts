import { runInspectionPass } from '@gridsense/alerts';
import { DEFAULT_PLACE_RISK_RULES, type PlaceInspectionView, type PlaceView } from '@gridsense/core';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** Inside grid G01 (江城社区第1网格: 120.15–120.1567 E, 30.255–30.27 N). */
const IN_G01 = { lng: 120.153, lat: 30.262 };
const CHECKLIST = ['fire_exits_clear', 'extinguishers_ready', 'wiring_safe', 'gas_safe'];

describe.each(stateDialects())('places and inspections over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  let worker: ApiClient;
  let otherWorker: ApiClient;
  let sup: ApiClient;
  let otherSup: ApiClient;
  let op: ApiClient;
  let place: PlaceView;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [admin, worker, otherWorker, sup, otherSup, op] = await Promise.all([
      env.login('admin'),
      env.login('worker01'),
      env.login('worker07'),
      env.login('sup1'),
      env.login('sup3'),
      env.login('op1'),
    ]);
    const created = await admin.call<PlaceView>('POST', '/api/admin/places', {
      name: '江城农贸市场',
      kind: 'shop',
      gridId: 'G01',
      address: '江城路 12 号',
      ...IN_G01,
    });
    expect(created.status).toBe(201);
    place = created.body;
  });
  afterAll(async () => env?.stop());

  /** G01's devices that no place holds yet (the demo seeds places with devices of their own). */
  async function freeG01Devices(): Promise<string[]> {
    const held = new Set(
      (await admin.call<PlaceView[]>('GET', '/api/places')).body.flatMap((p) => p.deviceIds),
    );
    return env.devices.filter((d) => d.gridId === 'G01' && !held.has(d.id)).map((d) => d.id);
  }

  it('an admin registers a place in a grid; its position must lie in that grid, and no one else registers', async () => {
    expect(place).toMatchObject({
      kind: 'shop',
      gridId: 'G01',
      baseLevel: 'green',
      deviceIds: [],
      assessment: { level: 'green', points: 0, windowDays: 30, reasons: [] },
      checklist: CHECKLIST,
      openInspection: null,
    });
    const outside = await admin.call<ErrorBody>('POST', '/api/admin/places', {
      name: '错位的场所',
      kind: 'shop',
      gridId: 'G01',
      lng: 120.18,
      lat: 30.25,
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toBe('the position of the place lies outside grid G01');
    const bad = await admin.call<ErrorBody>('POST', '/api/admin/places', { kind: 'castle', gridId: 'G01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      'name must be text of 1–200 characters',
      'kind must be one of building, shop, old_residential, construction_site, other',
      'lat and lng must be the position of the place in degrees',
    ]);
    const notGrid = await admin.call<ErrorBody>('POST', '/api/admin/places', {
      name: '街道办',
      kind: 'building',
      gridId: 'S1',
      ...IN_G01,
    });
    expect(notGrid.body.error.message).toBe('gridId must be a grid in your region');
    for (const client of [worker, sup, op]) {
      const refused = await client.call<ErrorBody>('POST', '/api/admin/places', { name: 'x', kind: 'shop' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe('only administrators manage places');
    }
  });

  it('attaches devices of the place’s own grid only, each to one place', async () => {
    const [first, second] = await freeG01Devices();
    const elsewhere = env.devices.find((d) => d.gridId === 'G04')!.id;
    const refused = await admin.call<ErrorBody>('PUT', `/api/admin/places/${place.id}/devices`, {
      deviceIds: [first, elsewhere, 'no-such-device'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      `device ${elsewhere} is not in grid G01`,
      'device no-such-device not found',
    ]);
    const attached = await admin.call<PlaceView>('PUT', `/api/admin/places/${place.id}/devices`, {
      deviceIds: [first, second],
    });
    expect(attached.status).toBe(200);
    expect(attached.body.deviceIds).toEqual([first, second].sort());

    const other = await admin.call<PlaceView>('POST', '/api/admin/places', {
      name: '江城小区 3 幢',
      kind: 'old_residential',
      gridId: 'G01',
      ...IN_G01,
    });
    const taken = await admin.call<ErrorBody>('PUT', `/api/admin/places/${other.body.id}/devices`, {
      deviceIds: [second],
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe(`devices attached to another place: ${second}`);
    expect((await admin.call('DELETE', `/api/admin/places/${other.body.id}`)).status).toBe(204);
    expect((await admin.call('GET', `/api/places/${other.body.id}`)).status).toBe(404);
  });

  it('lists places in scope only: the grid’s worker and community see it, others do not', async () => {
    const ids = async (client: ApiClient) =>
      (await client.call<PlaceView[]>('GET', '/api/places')).body.map((p) => p.id);
    expect(await ids(worker)).toContain(place.id);
    expect(await ids(sup)).toContain(place.id);
    expect(await ids(op)).toContain(place.id);
    expect(await ids(otherWorker)).not.toContain(place.id);
    expect(await ids(otherSup)).not.toContain(place.id);
    expect((await otherWorker.call<ErrorBody>('GET', `/api/places/${place.id}`)).status).toBe(404);
    expect((await otherSup.call<ErrorBody>('GET', `/api/places/${place.id}`)).status).toBe(404);
  });

  it('the ticker schedules the inspection; the worker checks in with photo, checklist and a position in the grid', async () => {
    const state = await env.openState();
    try {
      await runInspectionPass(state, Date.now());
    } finally {
      await state.destroy();
    }
    const listed = (await worker.call<PlaceView[]>('GET', '/api/places')).body.find(
      (p) => p.id === place.id,
    )!;
    expect(listed.openInspection).toMatchObject({
      placeId: place.id,
      gridId: 'G01',
      level: 'green',
      doneAt: null,
    });

    const photo = (await worker.call<{ url: string }>('POST', '/api/photos', PNG)).body.url;
    const answers = CHECKLIST.map((key) => ({
      key,
      ok: key !== 'gas_safe',
      note: key === 'gas_safe' ? '软管老化' : undefined,
    }));
    const checkIn = (client: ApiClient, body: Record<string, unknown>) =>
      client.call<PlaceInspectionView & ErrorBody>('POST', `/api/places/${place.id}/inspections`, {
        position: { ...IN_G01, accuracyM: 10 },
        photos: [photo],
        checklist: answers,
        ...body,
      });

    const far = await checkIn(worker, { position: { lng: 120.18, lat: 30.262, accuracyM: 10 } });
    expect(far.status).toBe(400);
    expect(far.body.error.message).toMatch(/^the position is \d+ m outside grid G01: check in at the place$/);
    const noPosition = await checkIn(worker, { position: 'here' });
    expect(noPosition.body.error.message).toBe('position must be an object with lat, lng and accuracyM');
    const incomplete = await checkIn(worker, { checklist: answers.slice(1), photos: [] });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.details).toEqual([
      'photos must be a non-empty list of photo URLs',
      'checklist items not answered: fire_exits_clear',
    ]);
    // A photo someone else uploaded is not this check-in's evidence.
    const theirs = (await sup.call<{ url: string }>('POST', '/api/photos', PNG)).body.url;
    const foreign = await checkIn(worker, { photos: [theirs] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toBe('photos must be photos uploaded to /api/photos');
    expect((await checkIn(op, {})).status).toBe(403);
    expect((await checkIn(otherWorker, {})).status).toBe(404);

    const done = await checkIn(worker, { note: '燃气软管需更换' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      id: listed.openInspection!.id,
      doneById: 'u-worker01',
      passed: false,
      photos: [photo],
      note: '燃气软管需更换',
      position: { ...IN_G01, accuracyM: 10 },
    });
    const after = await sup.call<PlaceView & { inspections: PlaceInspectionView[] }>(
      'GET',
      `/api/places/${place.id}`,
    );
    // The platform's own ticker may already have scheduled the next one: never the one just done.
    if (after.body.openInspection) expect(after.body.openInspection.dueAt).toBeGreaterThan(done.body.doneAt!);
    expect(after.body.lastInspectedAt).toBe(done.body.doneAt);
    expect(after.body.inspections.find((i) => i.id === done.body.id)).toMatchObject({ passed: false });
    // The failed item counts: 3 points is yellow, and the reason says so.
    expect(after.body.assessment).toMatchObject({
      level: 'yellow',
      reasons: [{ kind: 'failed_inspections', count: 1, points: 3 }],
    });
  });

  it('rules: anyone in scope reads them; only an administrator tunes them, with every problem listed', async () => {
    expect((await worker.call('GET', '/api/place-rules')).body).toEqual(DEFAULT_PLACE_RISK_RULES);
    expect(
      (await sup.call<ErrorBody>('PUT', '/api/admin/place-rules', DEFAULT_PLACE_RISK_RULES)).status,
    ).toBe(403);
    const bad = await admin.call<ErrorBody>('PUT', '/api/admin/place-rules', {
      ...DEFAULT_PLACE_RISK_RULES,
      redFrom: 2,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(['redFrom must be above yellowFrom']);
    const tuned = { ...DEFAULT_PLACE_RISK_RULES, yellowFrom: 4, redFrom: 9 };
    expect((await admin.call('PUT', '/api/admin/place-rules', tuned)).status).toBe(200);
    expect((await worker.call('GET', '/api/place-rules')).body).toEqual(tuned);
    // 3 points of the failed inspection are green under the tuned rules.
    const now = (await worker.call<PlaceView>('GET', `/api/places/${place.id}`)).body;
    expect(now.assessment.level).toBe('green');
  });
});
