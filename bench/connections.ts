/**
 * `npm run bench:connections` — idle device connections spread over real GridSense broker nodes
 * (broker/src/main.ts, each in its own process under its own open-file limit), opened by load
 * generators from many loopback source addresses; memory per idle connection on every node.
 *
 *   npm run bench:connections -- --devices 100000
 *   npm run bench:connections -- --devices 10000 --snapshot-dir /tmp   # and a heap snapshot
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openFileLimit } from './connections/open-files';
import { formatConnectionReport } from './connections/report';
import { runConnectionBench, type ConnectionBenchOptions } from './connections/run';

const HELP = `npm run bench:connections -- [options]
  --devices N          idle device connections in all (default 10000)
  --per-node N         connections per broker node at most (default: open-file limit − 3000, at most 17000)
  --per-generator N    connections per load generator at most (default 15000)
  --per-address N      connections per loopback source address (default 100; the broker allows 2000)
  --keepalive-s N      MQTT keepalive (default 120)
  --no-subscribe       skip the SUBSCRIBE to each device's command topic
  --concurrency N      connects in flight per generator (default 200)
  --hold-s N           idle hold before the second memory reading (default 20)
  --snapshot-dir DIR   write a heap snapshot of broker-1 with its connections open
  --out FILE           the figures as JSON`;

export function parseConnectionArgs(
  argv: string[],
): { options: ConnectionBenchOptions; out?: string } | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string' },
      'per-node': { type: 'string' },
      'per-generator': { type: 'string' },
      'per-address': { type: 'string' },
      'keepalive-s': { type: 'string' },
      'no-subscribe': { type: 'boolean' },
      concurrency: { type: 'string' },
      'hold-s': { type: 'string' },
      'snapshot-dir': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const int = (name: string, text: string | undefined, fallback: number) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name}: a whole number, got ${text}`);
    return value;
  };
  const options: ConnectionBenchOptions = {
    devices: int('devices', values.devices, 10_000),
    maxPerNode: int('per-node', values['per-node'], Math.min(17_000, openFileLimit() - 3000)),
    maxPerGenerator: int('per-generator', values['per-generator'], 15_000),
    perAddress: int('per-address', values['per-address'], 100),
    keepaliveS: int('keepalive-s', values['keepalive-s'], 120),
    subscribe: !values['no-subscribe'],
    concurrency: int('concurrency', values.concurrency, 200),
    holdMs: int('hold-s', values['hold-s'], 20) * 1000,
    wrongSecret: [],
    snapshotDir: values['snapshot-dir'],
  };
  return { options, ...(values.out ? { out: values.out } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const parsed = parseConnectionArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(HELP);
  } else {
    const report = await runConnectionBench(parsed.options);
    console.log(formatConnectionReport(report));
    if (parsed.out) await writeFile(parsed.out, JSON.stringify(report, null, 2));
  }
}
