/**
 * Device simulator CLI: `tsx simulators/src/cli.ts --devices devices.json [--url mqtt://localhost:1883]`.
 * Progress goes to stderr (on a TTY only); the JSON summary goes to stdout, so it can be piped.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulation, type SimulatedDevice, type SimulationOptions } from './device-simulator';

const USAGE = `Usage: cli.ts --devices <provisioning.json> [options]
  --url <url>          broker URL, mqtt:// or ws:// (default mqtt://localhost:1883)
  --devices <file>     JSON array of {id, gridId, type, secret}
  --interval-ms <n>    each device publishes once per interval (default 5000)
  --risk <p>           incident probability per device per tick (default 0.002)
  --seed <n>           seed for reproducible readings
  --duration-s <n>     stop after this many seconds (default: until SIGINT/SIGTERM)`;

export interface CliOptions {
  simulation: Omit<SimulationOptions, 'devices' | 'log'>;
  devicesFile: string;
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

/** Parses argv (without node and script); throws with a message fit for the user. */
export function parseCliArgs(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string', default: 'mqtt://localhost:1883' },
      devices: { type: 'string' },
      'interval-ms': { type: 'string' },
      risk: { type: 'string' },
      seed: { type: 'string' },
      'duration-s': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (!values.devices) throw new Error('--devices is required');
  const seed = parseNumber('seed', values.seed, 0, 2 ** 32 - 1);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error('--seed must be an integer');
  return {
    devicesFile: values.devices,
    durationS: parseNumber('duration-s', values['duration-s'], 0),
    simulation: {
      url: values.url,
      intervalMs: parseNumber('interval-ms', values['interval-ms'], 1),
      riskProbability: parseNumber('risk', values.risk, 0, 1),
      seed,
    },
  };
}

function isDevice(value: unknown): value is SimulatedDevice {
  if (typeof value !== 'object' || value === null) return false;
  const { id, gridId, type, secret } = value as Record<string, unknown>;
  return [id, gridId, type, secret].every((field) => typeof field === 'string');
}

export async function readDevices(file: string): Promise<SimulatedDevice[]> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of devices`);
  const bad = parsed.findIndex((entry) => !isDevice(entry));
  if (bad >= 0) throw new Error(`${file}: entry ${bad} needs string id, gridId, type and secret`);
  return parsed as SimulatedDevice[];
}

async function runCli(argv: string[]): Promise<void> {
  const options = parseCliArgs(argv);
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const devices = await readDevices(options.devicesFile);
  const live = process.stderr.isTTY;
  const clearLine = (): void => {
    if (live) process.stderr.write('\r\x1b[2K');
  };
  const log = (line: string): void => {
    clearLine();
    process.stderr.write(`${line}\n`);
  };
  const startedAt = Date.now();
  const simulation = startSimulation({ ...options.simulation, devices, log });

  let lastSent = 0;
  let lastAt = startedAt;
  // Runs off a TTY too: it keeps the process alive even if every device has been refused.
  const progress = setInterval(() => {
    if (!live) return;
    const stats = simulation.stats();
    const now = Date.now();
    const rate = ((stats.sent - lastSent) * 1000) / Math.max(1, now - lastAt);
    [lastSent, lastAt] = [stats.sent, now];
    clearLine();
    process.stderr.write(
      `${rate.toFixed(1)} msg/s  sent ${stats.sent}  acked ${stats.acked}  errors ${stats.errors}  ` +
        `connected ${stats.connected}/${devices.length}`,
    );
  }, 1000);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (options.durationS !== undefined) setTimeout(resolve, options.durationS * 1000);
  });
  clearInterval(progress);
  clearLine();
  const connected = simulation.stats().connected;
  await simulation.stop();
  const elapsedS = (Date.now() - startedAt) / 1000;
  const { sent, acked, errors } = simulation.stats();
  const summary = { url: options.simulation.url, devices: devices.length, connected, sent, acked, errors };
  console.log(JSON.stringify({ ...summary, elapsedS, ackedPerS: Number((acked / elapsedS).toFixed(2)) }));
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
