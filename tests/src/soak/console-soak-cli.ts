/**
 * A 12-hour operator shift, compressed: `npx tsx tests/src/soak/console-soak-cli.ts` builds the
 * console, starts the platform, signs an operator in in headless Chromium and runs `--rounds`
 * rounds of `--route`, printing Chromium's DOM counters after forced GC every `--sample-every`
 * rounds. `--live sim` runs the demo's device simulator (cases keep arriving); `--retainers`
 * ends with what holds any detached DOM nodes (a heap snapshot's retainer paths).
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { launchChromium } from '../harness/chromium';
import { buildConsole } from '../harness/console-build';
import { startTestPlatform } from '../harness/test-platform';
import {
  describeDetached,
  explainDetached,
  slopePerRound,
  soakConsole,
  type SoakRoute,
} from './console-soak';
import { keepDistrictBusy, openSoakPage, populateDistrict, startLiveDistrict } from './soak-setup';

const USAGE =
  'usage: console-soak-cli [--route shift|map-cases] [--rounds 240] [--sample-every 20] ' +
  '[--live sim|flip|off] [--sim-ms 1000] [--dwell-ms 0] [--console-dir DIR] [--retainers]';
const { values } = parseArgs({
  options: {
    route: { type: 'string', default: 'shift' },
    /** 240 rounds of the shift route: 720 navigations, one a minute for 12 hours. */
    rounds: { type: 'string', default: '240' },
    'sample-every': { type: 'string', default: '20' },
    'dwell-ms': { type: 'string', default: '0' },
    /**
     * sim: the demo's simulator, every device every --sim-ms, cases arriving;
     * flip: a populated district with one device flipping status and reporting every second;
     * off: a populated, quiet district.
     */
    live: { type: 'string', default: 'sim' },
    'sim-ms': { type: 'string', default: '1000' },
    /** A console built beforehand (e.g. an older commit's, to compare); default: build this tree's. */
    'console-dir': { type: 'string' },
    retainers: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rounds = Number(values.rounds);
const sampleEvery = Number(values['sample-every']);
const route = values.route as SoakRoute;
if (
  !Number.isInteger(rounds) ||
  rounds < 1 ||
  !Number.isInteger(sampleEvery) ||
  sampleEvery < 1 ||
  !['shift', 'map-cases'].includes(route) ||
  !['sim', 'flip', 'off'].includes(values.live)
) {
  console.error(USAGE);
  process.exit(2);
}

const builtHere = values['console-dir'] === undefined;
const consoleDir = values['console-dir'] ?? (await buildConsole());
const env =
  values.live === 'sim'
    ? await startLiveDistrict(consoleDir, Number(values['sim-ms']))
    : await startTestPlatform({ staticDir: consoleDir });
const browser = await launchChromium();
try {
  if (values.live !== 'sim') await populateDistrict(env, 10);
  const page = await openSoakPage(browser, env, 'op1');
  const stopLive = values.live === 'flip' ? keepDistrictBusy(env, 1000) : async () => {};
  const started = Date.now();
  console.log('rounds\tnavigations\tnodes\tin document\toutside\tlisteners\tdocuments\tJS heap MB');
  const samples = await soakConsole(page, {
    route,
    rounds,
    sampleEvery,
    dwellMs: Number(values['dwell-ms']),
    onSample: (s) =>
      console.log(
        [
          s.rounds,
          s.navigations,
          s.nodes,
          s.inDocument,
          s.outsideDocument,
          s.jsEventListeners,
          s.documents,
          (s.jsHeapUsedBytes / 2 ** 20).toFixed(1),
        ].join('\t'),
      ),
  });
  await stopLive();
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const slope = (field: 'nodes' | 'outsideDocument' | 'jsEventListeners') =>
    slopePerRound(samples, field).toFixed(2);
  console.log(
    `\n${rounds} rounds (${last.navigations} navigations) of ${route}, live: ${values.live}, in ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min: ` +
      `nodes ${first.nodes} → ${last.nodes} (slope ${slope('nodes')}/round), ` +
      `outside the document ${first.outsideDocument} → ${last.outsideDocument} (slope ${slope('outsideDocument')}/round), ` +
      `listeners ${first.jsEventListeners} → ${last.jsEventListeners} (slope ${slope('jsEventListeners')}/round)`,
  );
  if (values.retainers) console.log(`\n${describeDetached(await explainDetached(page, 5))}`);
} finally {
  await browser.close();
  await env.stop();
  if (builtHere) await rm(consoleDir, { recursive: true, force: true });
}
