import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceCredential } from '@gridsense/state';
import { startPlatformProcess } from '../harness/platform-process';
import { TEST_PASSWORD } from '../harness/test-platform';
import { ENTRY_POINTS, fuzzSeed, inputBudget } from './entry-points';
import { shareInputs, summarize, type EntryPointReport } from './runner';
import { FUZZ_PLATFORM_ENV, fuzzTarget } from './target';

/**
 * `npm run fuzz`: the long run, `FUZZ_INPUTS` (default 1,000,000) generated inputs over every
 * entry point into a platform in its own process (so its crash is seen as one, and the fuzzer
 * and the platform each have a core). Prints inputs per entry point, findings and duration;
 * exits 1 on any finding.
 */
const total = inputBudget(1_000_000);
const seed = fuzzSeed();
const started = Date.now();
const dataDir = await mkdtemp(join(tmpdir(), 'gridsense-fuzz-'));
const platform = await startPlatformProcess(dataDir, FUZZ_PLATFORM_ENV);
const reports: EntryPointReport[] = [];

/** Distinct error lines the platform logged (pino level ≥ 50), with how often each came. */
function loggedErrors(output: string): string[] {
  const counts = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!/"level":(50|60)/.test(line)) continue;
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    const key = `${entry.msg ?? ''}: ${entry.err?.message ?? ''}`.slice(0, 300);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([text, n]) => `${n} × ${text}`);
}

try {
  const devices = JSON.parse(
    await readFile(join(dataDir, 'demo-devices.json'), 'utf8'),
  ) as DeviceCredential[];
  const target = await fuzzTarget({
    baseUrl: platform.httpUrl,
    mqttPort: Number(new URL(platform.mqttUrl).port),
    devices,
    password: TEST_PASSWORD,
  });
  const shares = shareInputs(ENTRY_POINTS, total);
  console.log(`fuzzing ${total} inputs over ${ENTRY_POINTS.length} entry points, seed ${seed}`);
  for (const entry of ENTRY_POINTS) {
    const report = await entry.run(target, shares.get(entry.name)!, seed);
    reports.push(report);
    console.log(summarize([report], report.durationMs).split('\n')[0]);
    if (report.findings.some((f) => f.startsWith('the platform stopped answering'))) break;
  }
} finally {
  const logged = loggedErrors(platform.output());
  await platform.stop();
  await rm(dataDir, { recursive: true, force: true });
  console.log(`\nseed ${seed}\n${summarize(reports, Date.now() - started)}`);
  if (logged.length > 0) console.log(`errors the platform logged (tail of its log):\n${logged.join('\n')}`);
}
process.exitCode = reports.some((r) => r.findings.length > 0) ? 1 : 0;
