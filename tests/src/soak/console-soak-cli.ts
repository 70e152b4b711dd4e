/**
 * A 12-hour operator shift, compressed: `npx tsx tests/src/soak/console-soak-cli.ts` builds the
 * console, starts the platform with a few open cases, signs an operator in in headless Chromium
 * and switches map ↔ cases `--navigations` times (default 720: one a minute for 12 hours),
 * printing the DOM node and listener counts after forced GC every `--sample-every` navigations.
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { launchChromium } from '../harness/chromium';
import { buildConsole } from '../harness/console-build';
import { startTestPlatform } from '../harness/test-platform';
import { keepDistrictBusy, openSoakPage, populateDistrict } from './soak-setup';
import { slopePerNavigation, soakConsole } from './console-soak';

const { values } = parseArgs({
  options: {
    navigations: { type: 'string', default: '720' },
    'sample-every': { type: 'string', default: '60' },
    'dwell-ms': { type: 'string', default: '0' },
    /** Flip a device's status and send a reading this often during the soak (0: a quiet district). */
    'live-ms': { type: 'string', default: '0' },
    /** A console built beforehand (e.g. an older commit's, to compare); default: build this tree's. */
    'console-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: console-soak-cli [--navigations 720] [--sample-every 60] [--dwell-ms 0] [--console-dir DIR]',
  );
  process.exit(0);
}
const navigations = Number(values.navigations);
const sampleEvery = Number(values['sample-every']);
if (!Number.isInteger(navigations) || navigations < 2 || !Number.isInteger(sampleEvery) || sampleEvery < 1) {
  console.error('--navigations (≥ 2) and --sample-every (≥ 1) take whole numbers');
  process.exit(2);
}

const builtHere = values['console-dir'] === undefined;
const consoleDir = values['console-dir'] ?? (await buildConsole());
const env = await startTestPlatform({ staticDir: consoleDir });
const browser = await launchChromium();
try {
  await populateDistrict(env, 10);
  const page = await openSoakPage(browser, env, 'op1');
  const liveMs = Number(values['live-ms']);
  const stopLive = liveMs > 0 ? keepDistrictBusy(env, liveMs) : async () => {};
  const started = Date.now();
  console.log('navigations\tnodes\tlisteners\tdocuments\tJS heap MB');
  const samples = await soakConsole(page, {
    navigations,
    sampleEvery,
    dwellMs: Number(values['dwell-ms']),
    onSample: (s) =>
      console.log(
        `${s.navigations}\t${s.nodes}\t${s.jsEventListeners}\t${s.documents}\t${(s.jsHeapUsedBytes / 2 ** 20).toFixed(1)}`,
      ),
  });
  await stopLive();
  const first = samples[0]!;
  const last = samples.at(-1)!;
  console.log(
    `\n${navigations} navigations in ${((Date.now() - started) / 60_000).toFixed(1)} min: ` +
      `nodes ${first.nodes} → ${last.nodes} (slope ${slopePerNavigation(samples, 'nodes').toFixed(2)}/navigation), ` +
      `listeners ${first.jsEventListeners} → ${last.jsEventListeners} ` +
      `(slope ${slopePerNavigation(samples, 'jsEventListeners').toFixed(2)}/navigation)`,
  );
} finally {
  await browser.close();
  await env.stop();
  if (builtHere) await rm(consoleDir, { recursive: true, force: true });
}
