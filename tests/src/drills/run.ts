import { parseArgs } from 'node:util';
import {
  breaksPromise,
  canMountTmpfs,
  DRILLS,
  formatTable,
  LONG,
  runDrill,
  SHORT,
  type DrillResult,
} from './drills';

const USAGE = `Usage: npm run drills [-- --short] [-- --only <part of a drill name>]

Runs the reliability drills against real InfluxDB and Mosquitto on free ports and prints, per
drill, what the devices sent, what was acknowledged, stored, lost and duplicated, and the
platform's memory peak (a Markdown table, as docs/reliability.md keeps it).`;

const { values } = parseArgs({
  options: { short: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const scale = values.short ? SHORT : LONG;
const results: DrillResult[] = [];
const tmpfsAllowed = canMountTmpfs();
for (const drill of DRILLS.filter((d) => !values.only || d.name.includes(values.only))) {
  if (drill.spoolDiskKb !== undefined && !tmpfsAllowed) {
    console.error(`drill skipped: ${drill.name} (mounting a tmpfs needs root here)`);
    continue;
  }
  console.error(`drill: ${drill.name}`);
  results.push(await runDrill(drill, scale));
}
console.log(formatTable(results));
// Fails on a broken promise; a loss that is the external broker's own gap is shown, not failed.
process.exitCode = results.some(breaksPromise) ? 1 : 0;
