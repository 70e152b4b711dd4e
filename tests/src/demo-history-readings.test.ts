import type { SeriesPoint } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

const DAY = 86_400_000;

/**
 * The demo's past readings are seeded however ingest runs: on the broker's loop, and in its
 * worker thread (the default), where the main thread writes them before the worker opens the store.
 */
describe.each(['1', '0'])('the demo history has readings (GRIDSENSE_INGEST_THREADS=%s)', (threads) => {
  let env: TestPlatform;

  beforeAll(async () => {
    env = await startTestPlatform({
      env: { GRIDSENSE_DEMO_HISTORY_DAYS: '3', GRIDSENSE_INGEST_THREADS: threads },
    });
  }, 120_000);

  afterAll(async () => env?.stop());

  it('charts the seeded days of a grid from the embedded store', async () => {
    const op = await env.login('op1');
    const to = Date.now();
    const series = await op.call<SeriesPoint[]>(
      'GET',
      `/api/grids/G01/series?metric=smoke&from=${to - 3 * DAY}&to=${to}&windowMs=${6 * 3_600_000}&agg=max`,
    );
    expect(series.status).toBe(200);
    // One reading per device every 6 hours for 3 days: a point in (nearly) every 6-hour window.
    expect(series.body.length).toBeGreaterThanOrEqual(10);
  });
});
