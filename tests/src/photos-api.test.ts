import { polygonCentroid, type CaseView } from '@gridsense/core';
import { buildDemoDistrict } from '@gridsense/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/** Evidence photos through the API: checked by content, served inert, readable along the case. */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const HTML = Buffer.from('<!doctype html><title>x</title><script>fetch("/api/me")</script>');

const district = buildDemoDistrict();
const worker01 = district.users.find((user) => user.username === 'worker01')!;
const gridId = worker01.duties[0]!.gridId;
const centre = polygonCentroid(district.regions.find((region) => region.id === gridId)!.boundary!);
/** A grid worker on duty elsewhere: does not see worker01's grid. */
const elsewhere = district.users.find(
  (user) =>
    user.role === 'grid_worker' && user.duties.length > 0 && user.duties.every((d) => d.gridId !== gridId),
)!;

const report = (photos: unknown) => ({
  title: '垃圾桶满溢',
  description: '小区北门垃圾桶满溢',
  category: 'city_appearance',
  severity: 'info',
  location: centre,
  photos,
});

describe.each(stateDialects())('evidence photos (%s)', (dialect) => {
  let env: TestPlatform;
  let worker: ApiClient;
  let other: ApiClient;
  let operator: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [worker, other, operator] = await Promise.all([
      env.login('worker01'),
      env.login(elsewhere.username),
      env.login('op1'),
    ]);
  });

  afterAll(async () => {
    await env?.stop();
  });

  const fetchPhoto = (client: ApiClient, url: string) =>
    fetch(`${env.baseUrl}${url}`, { headers: { cookie: client.cookie } });

  it('refuses an HTML file sent as an image', async () => {
    const answer = await worker.call<{ error: { code: string; message: string } }>(
      'POST',
      '/api/photos',
      HTML,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('send a JPEG, PNG or WebP image as the request body');
  });

  it('serves a photo inert, to its uploader only until a case uses it, then to those who see the case', async () => {
    const upload = await worker.call<{ url: string }>('POST', '/api/photos', PNG);
    expect(upload.status).toBe(201);
    const { url } = upload.body;

    const own = await fetchPhoto(worker, url);
    expect(own.status).toBe(200);
    expect(Buffer.from(await own.arrayBuffer())).toEqual(PNG);
    expect(Object.fromEntries(own.headers)).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-disposition': 'inline',
      'content-security-policy': "sandbox; default-src 'none'",
    });
    expect((await fetchPhoto(operator, url)).status).toBe(404);
    expect((await fetchPhoto(other, url)).status).toBe(404);

    const filed = await worker.call<{ case: CaseView }>('POST', '/api/cases/reports', report([url]));
    expect(filed.status).toBe(201);
    expect(filed.body.case.gridId).toBe(gridId);
    // Now the case decides: its grid's operator and the reporter see it; a worker elsewhere does not.
    expect((await fetchPhoto(operator, url)).status).toBe(200);
    expect((await fetchPhoto(worker, url)).status).toBe(200);
    expect((await fetchPhoto(other, url)).status).toBe(404);
    expect((await fetchPhoto(other, '/api/photos/not-a-photo.html')).status).toBe(404);
  });

  it('takes only GridSense photo paths in reports and case actions', async () => {
    const outside = ['https://evil.example/x.png', 'http://10.0.0.5/cam.jpg', 'javascript:alert(1)'];
    const refused = await worker.call<{ error: { details: string[] } }>(
      'POST',
      '/api/cases/reports',
      report(outside),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual(['photos must be photos uploaded to /api/photos']);

    const cases = await worker.call<CaseView[]>('GET', '/api/cases?scope=open');
    const caseId = cases.body[0]!.id;
    const resolve = await worker.call<{ error: { details: string[] } }>(
      'POST',
      `/api/cases/${caseId}/actions`,
      {
        action: 'resolve',
        note: '已清运',
        photos: ['https://evil.example/x.png'],
      },
    );
    expect(resolve.status).toBe(400);
    expect(resolve.body.error.details).toEqual(['photos must be photos uploaded to /api/photos']);
  });
});
