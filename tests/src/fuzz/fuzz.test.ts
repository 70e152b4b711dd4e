import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_PASSWORD, type TestPlatform } from '../harness/test-platform';
import { ENTRY_POINTS, fuzzSeed, inputBudget } from './entry-points';
import { shareInputs, summarize, type EntryPointReport } from './runner';
import { FUZZ_PLATFORM_ENV, testPlatformTarget, type FuzzTarget } from './target';

/**
 * The short fuzzing run of the normal suite: a few hundred generated inputs per entry point
 * (`FUZZ_INPUTS` sets the total). `npm run fuzz` is the long run, over a million.
 */
describe('generated hostile inputs on every entry point', () => {
  const seed = fuzzSeed();
  const shares = shareInputs(ENTRY_POINTS, inputBudget(2_500));
  const reports: EntryPointReport[] = [];
  let env: TestPlatform;
  let target: FuzzTarget;

  beforeAll(async () => {
    env = await startTestPlatform({ env: FUZZ_PLATFORM_ENV });
    target = await testPlatformTarget(env, TEST_PASSWORD);
  });

  afterAll(async () => {
    const durationMs = reports.reduce((sum, r) => sum + r.durationMs, 0);
    if (reports.length > 0) console.info(`fuzz seed ${seed}\n${summarize(reports, durationMs)}`);
    await env?.stop();
  });

  it.each(ENTRY_POINTS)('$name: nothing ends the platform or answers 5xx', async (entry) => {
    const report = await entry.run(target, shares.get(entry.name)!, seed);
    reports.push(report);
    expect(report.findings, `seed ${seed}`).toEqual([]);
    expect(report.inputs).toBeGreaterThan(0);
  });
});
