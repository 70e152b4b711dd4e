/**
 * Device simulator CLI: `npm run sim -- --data-dir ./data --scenario fire-in-grid --seed 7`.
 * Progress goes to stderr (on a TTY only); the JSON summary goes to stdout, so it can be piped.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulation, type SimulationOptions, type SimulationStats } from './device-simulator';
import { listScenarioNames, readDataDirDevices, readDevices, resolveScenarioFile } from './provisioning';
import { FAULT_KINDS, loadScenario, type FaultKind, type Scenario, type Step } from './scenario';

export { readDevices } from './provisioning';

const USAGE = `Usage: cli.ts (--devices <file> | --data-dir <dir>) [options]
  --url <url>          broker URL, mqtt:// or ws:// (default mqtt://localhost:1883)
  --devices <file>     provisioning file: JSON array of {id, gridId, type, secret}
  --data-dir <dir>     or the platform's data dir (its demo-devices.json)
  --scenario <name>    a scenario file, or a shipped one: --list shows them
  --interval-ms <n>    free running: each device publishes once per interval (default 5000)
  --risk <p>           free running: incident probability per device per tick (default 0.002)
  --fault <kind[:n]>   inject a fault into every n-th message of every device (repeatable);
                       kinds: ${FAULT_KINDS.join(', ')}
  --seed <n>           seed for reproducible readings (printed in the summary)
  --speed <x>          time acceleration (simulated ms per real ms), overrides the scenario's
  --start <time>       simulated start, RFC 3339 (default: now, or so an accelerated run ends now)
  --duration-s <n>     stop after this many real seconds (default: scenario end, or SIGINT)
  --list               list the shipped scenarios`;

export interface CliOptions {
  simulation: Omit<SimulationOptions, 'devices' | 'log' | 'scenario'>;
  devicesFile?: string;
  dataDir?: string;
  scenario?: string;
  faults: { kind: FaultKind; everyN: number }[];
  durationS?: number;
}

function parseNumber(
  name: string,
  text: string | undefined,
  min: number,
  max = Infinity,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`--${name} must be a number in ${min}–${max}, got "${text}"`);
  }
  return value;
}

function parseFault(text: string): { kind: FaultKind; everyN: number } {
  const [kind = '', every] = text.split(':');
  if (!FAULT_KINDS.includes(kind as FaultKind))
    throw new Error(`--fault ${kind}: kinds are ${FAULT_KINDS.join(', ')}`);
  const everyN = parseNumber('fault', every, 1) ?? (kind === 'reconnect_storm' ? 30 : 1);
  if (!Number.isInteger(everyN)) throw new Error(`--fault ${text}: n must be an integer`);
  return { kind: kind as FaultKind, everyN };
}

/** Parses argv (without node and script); throws with a message fit for the user. */
export function parseCliArgs(argv: string[]): CliOptions | 'help' | 'list' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string', default: 'mqtt://localhost:1883' },
      devices: { type: 'string' },
      'data-dir': { type: 'string' },
      scenario: { type: 'string' },
      'interval-ms': { type: 'string' },
      risk: { type: 'string' },
      fault: { type: 'string', multiple: true },
      seed: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      'duration-s': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.list) return 'list';
  if (!values.devices === !values['data-dir']) throw new Error('give one of --devices or --data-dir');
  const seed = parseNumber('seed', values.seed, 0, 2 ** 32 - 1);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const startMs = values.start === undefined ? undefined : Date.parse(values.start);
  if (startMs !== undefined && Number.isNaN(startMs))
    throw new Error(`--start "${values.start}" is not a time`);
  return {
    ...(values.devices ? { devicesFile: values.devices } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.scenario ? { scenario: values.scenario } : {}),
    faults: (values.fault ?? []).map(parseFault),
    durationS: parseNumber('duration-s', values['duration-s'], 0),
    simulation: {
      url: values.url,
      intervalMs: parseNumber('interval-ms', values['interval-ms'], 1),
      riskProbability: parseNumber('risk', values.risk, 0, 1),
      seed: seed ?? Math.floor(Math.random() * 2 ** 32),
      speed: parseNumber('speed', values.speed, 0.001),
      startMs,
    },
  };
}

/** --fault flags as scenario steps on every device from the start; storms every n seconds. */
export function faultSteps(faults: CliOptions['faults']): Step[] {
  return faults.map(({ kind, everyN }) => ({
    atMs: 0,
    target: {},
    do: 'fault',
    fault: kind,
    forMs: Number.POSITIVE_INFINITY,
    everyN,
    skewMs: 600_000,
  }));
}

/** The scenario to play: a file, or free running when only faults are asked for. */
async function chooseScenario(options: CliOptions): Promise<Scenario | undefined> {
  const steps = faultSteps(options.faults);
  if (options.scenario) {
    const scenario = await loadScenario(await resolveScenarioFile(options.scenario));
    return { ...scenario, steps: [...scenario.steps, ...steps] };
  }
  if (steps.length === 0) return undefined;
  return {
    name: 'free-running-with-faults',
    title: 'free running with faults',
    intervalMs: options.simulation.intervalMs ?? 5000,
    durationMs: undefined,
    speed: 1,
    riskProbability: options.simulation.riskProbability ?? 0.002,
    devices: {},
    steps,
  };
}

function progressLine(stats: SimulationStats, rate: number, total: number): string {
  const sim = stats.simNow === undefined ? '' : `  sim ${new Date(stats.simNow).toISOString().slice(0, 19)}Z`;
  return (
    `${rate.toFixed(1)} msg/s  sent ${stats.sent}  acked ${stats.acked}  errors ${stats.errors}  ` +
    `connected ${stats.connected}/${total}${sim}`
  );
}

async function runCli(argv: string[]): Promise<void> {
  const options = parseCliArgs(argv);
  if (options === 'help') return console.log(USAGE);
  if (options === 'list') return console.log((await listScenarioNames()).join('\n'));
  const devices = options.devicesFile
    ? await readDevices(options.devicesFile)
    : await readDataDirDevices(options.dataDir ?? '');
  const scenario = await chooseScenario(options);
  const live = process.stderr.isTTY;
  const clearLine = (): void => {
    if (live) process.stderr.write('\r\x1b[2K');
  };
  const log = (line: string): void => {
    clearLine();
    process.stderr.write(`${line}\n`);
  };
  const startedAt = Date.now();
  const simulation = startSimulation({
    ...options.simulation,
    devices,
    log,
    ...(scenario ? { scenario } : {}),
  });

  let [lastSent, lastAt] = [0, startedAt];
  // Runs off a TTY too: it keeps the process alive even if every device has been refused.
  const progress = setInterval(() => {
    if (!live) return;
    const stats = simulation.stats();
    const now = Date.now();
    const rate = ((stats.sent - lastSent) * 1000) / Math.max(1, now - lastAt);
    [lastSent, lastAt] = [stats.sent, now];
    clearLine();
    process.stderr.write(progressLine(stats, rate, devices.length));
  }, 1000);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    void simulation.done.then(resolve);
    if (options.durationS !== undefined) setTimeout(resolve, options.durationS * 1000);
  });
  clearInterval(progress);
  clearLine();
  const { connected, simNow } = simulation.stats();
  await simulation.stop();
  const elapsedS = (Date.now() - startedAt) / 1000;
  const { sent, acked, errors, readings, reconnects, faults } = simulation.stats();
  const summary = {
    url: options.simulation.url,
    scenario: scenario?.name ?? 'free-running',
    seed: options.simulation.seed,
    devices: devices.length,
    connected,
    sent,
    acked,
    errors,
    readings,
    reconnects,
    faults,
    simEnd: simNow === undefined ? null : new Date(simNow).toISOString(),
    elapsedS,
    ackedPerS: Number((acked / elapsedS).toFixed(2)),
  };
  console.log(JSON.stringify(summary));
}

// Run only when executed directly, so tests can import the parsing helpers.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      console.error(USAGE);
      process.exit(2);
    },
  );
}
